/**
 * An HTTP proxy on 127.0.0.1 in front of Keystone or Nova that injects faults: error statuses,
 * connection resets (before or after forwarding the request), requests that never get an
 * answer, slow answers and malformed bodies. A rule picks the fault for each request; every
 * request is counted so tests can check how often a client retried.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { Socket } from "node:net"

export type Fault =
  | { readonly kind: "pass" }
  | { readonly kind: "status"; readonly status: number; readonly body?: string }
  /** Close the connection without an answer; the request never reaches the upstream. */
  | { readonly kind: "reset" }
  /** Forward the request, then close the connection instead of passing the answer on. */
  | { readonly kind: "forward-then-reset" }
  /** Never answer. */
  | { readonly kind: "hang" }
  /** Forward and answer after a delay. */
  | { readonly kind: "slow"; readonly ms: number }
  /** Answer 200 with a body that is not what the API documents. */
  | { readonly kind: "malformed"; readonly body: string }

export interface SeenRequest {
  readonly method: string
  readonly path: string
}

export type FaultRule = (request: SeenRequest, index: number) => Fault

export interface FaultProxy {
  readonly url: string
  readonly seen: Array<SeenRequest>
  setRule: (rule: FaultRule) => void
  /** Rewrites upstream bodies (Keystone's catalog must point at the Nova proxy). */
  setRewrite: (rewrite: (body: string) => string) => void
  readonly close: () => Promise<void>
}

export const pass: FaultRule = () => ({ kind: "pass" })

export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const target = new URL(upstream)
  let rule: FaultRule = pass
  let rewrite: (body: string) => string = (body) => body
  const seen: Array<SeenRequest> = []
  const sockets = new Set<Socket>()

  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: Record<string, string>, body: Buffer) => void,
    onError: () => void
  ) => {
    const headers = { ...incoming.headers, host: target.host }
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        const chunks: Array<Buffer> = []
        answer.on("data", (chunk: Buffer) => chunks.push(chunk))
        answer.on("end", () => {
          const answerHeaders: Record<string, string> = {}
          for (const [name, value] of Object.entries(answer.headers)) {
            if (
              value === undefined ||
              name === "content-length" ||
              name === "transfer-encoding" ||
              name === "connection"
            )
              continue
            answerHeaders[name] = Array.isArray(value) ? value.join(", ") : value
          }
          onAnswer(
            answer.statusCode ?? 502,
            answerHeaders,
            Buffer.from(rewrite(Buffer.concat(chunks).toString("utf8")))
          )
        })
      }
    )
    outgoing.on("error", onError)
    outgoing.end(body)
  }

  const handle = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      const body = Buffer.concat(chunks)
      const seenRequest = { method: incoming.method ?? "GET", path: incoming.url ?? "/" }
      seen.push(seenRequest)
      const fault = rule(seenRequest, seen.length - 1)
      const reply = (status: number, headers: Record<string, string>, payload: Buffer) => {
        response.writeHead(status, { ...headers, "content-length": String(payload.length), connection: "close" })
        response.end(payload)
      }
      const gatewayError = () => reply(502, { "content-type": "text/plain" }, Buffer.from("upstream unreachable"))
      switch (fault.kind) {
        case "pass":
          return forward(incoming, body, reply, gatewayError)
        case "status":
          return reply(
            fault.status,
            { "content-type": "application/json" },
            Buffer.from(
              fault.body ?? JSON.stringify({ computeFault: { code: fault.status, message: "injected fault" } })
            )
          )
        case "reset":
          return incoming.socket.destroy()
        case "forward-then-reset":
          return forward(
            incoming,
            body,
            () => incoming.socket.destroy(),
            () => incoming.socket.destroy()
          )
        case "hang":
          return
        case "slow":
          return void setTimeout(() => forward(incoming, body, reply, gatewayError), fault.ms)
        case "malformed":
          return reply(200, { "content-type": "application/json" }, Buffer.from(fault.body))
      }
    })
  }

  const server: Server = createServer(handle)
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setRule: (next) => {
      rule = next
    },
    setRewrite: (next) => {
      rewrite = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
