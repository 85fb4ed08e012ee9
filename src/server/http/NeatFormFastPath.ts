/**
 * Neat's form-encoded `PUT /` (what its local managers send) answered from Node's request event,
 * ahead of the Effect HTTP stack. Routing, schema decoding and error encoding of that stack cost
 * about 0.5 ms of CPU per request, several times the work of the request itself; this path keeps a
 * flood of rejected requests cheap. It gives the same answers as the declared endpoint: the same
 * checks (`NeatRequest`), the same queue, the same JSON bodies, the same metrics. Signed requests,
 * JSON bodies, other methods and paths go to the Effect stack.
 */
import { type IncomingMessage, Server, type ServerResponse } from "node:http"
import { Server as HttpsServer } from "node:https"
import { Cause, Effect, Exit, Layer } from "effect"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { ReallocationView } from "./Api.js"
import { AuthFailures } from "./AuthFailures.js"
import { GlobalManagerConfig } from "./GlobalManagerOptions.js"
import { isRejection, type NeatParams, type NeatRejection, neatRequestChecker } from "./NeatRequest.js"
import { ReallocationQueue } from "./ReallocationQueue.js"
import { hasSignatureHeaders } from "./RequestSigning.js"
import { refuseReplay, SeenRequests } from "./SeenRequests.js"
import { ServerMetrics } from "./ServerMetrics.js"
import { decisionView } from "./Views.js"

/** Takes a request (answering it) and returns true, or returns false to leave it to the Effect stack. */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean

/** A server that offers each request to `fastPath` before its other listeners. */
export interface FastPathHost {
  fastPath: FastPath | undefined
}

/** A Node HTTP server that offers each request to `fastPath` before its other listeners. */
export class FastPathServer extends Server implements FastPathHost {
  fastPath: FastPath | undefined = undefined

  override emit(event: string, ...args: Array<unknown>): boolean {
    if (event === "request" && this.fastPath?.(args[0] as IncomingMessage, args[1] as ServerResponse) === true) {
      return true
    }
    return super.emit(event, ...args)
  }
}

/** `FastPathServer` over TLS. */
export class FastPathTlsServer extends HttpsServer implements FastPathHost {
  fastPath: FastPath | undefined = undefined

  override emit(event: string, ...args: Array<unknown>): boolean {
    if (event === "request" && this.fastPath?.(args[0] as IncomingMessage, args[1] as ServerResponse) === true) {
      return true
    }
    return super.emit(event, ...args)
  }
}

const fields = ["username", "password", "time", "host", "reason", "vm_uuids"] as const

/** Whether the request is one this path answers: a plain Neat form `PUT /` of bounded size. */
const isNeatForm = (request: IncomingMessage, maxBodyBytes: number): boolean => {
  if (request.method !== "PUT" || request.url !== "/") return false
  const headers = request.headers
  if (!(headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return false
  if (hasSignatureHeaders(headers)) return false
  const length = headers["content-length"]
  return length === undefined || Number(length) <= maxBodyBytes
}

/** The form's fields as text (repeated fields joined by commas), or the name of a field given twice. */
const paramsOf = (body: string): NeatParams | string => {
  const form = new URLSearchParams(body)
  const params: Record<string, string> = {}
  for (const name of fields) {
    const values = form.getAll(name)
    if (values.length > 1 && name !== "vm_uuids") return name
    if (values.length > 0) params[name] = values.join(",")
  }
  return params
}

/**
 * The 200 body, as `ReallocationView` encodes it: its schema has no transformation, so the view is
 * its own encoding (the type says so) and is written without a schema pass.
 */
const reallocationBody = (
  coalesced: boolean,
  decision: RecordedDecision,
  requestId: string
): typeof ReallocationView.Encoded => ({ coalesced, decision: decisionView(decision), request_id: requestId })

const send = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...(status === 503 ? { "retry-after": "1" } : {})
  })
  response.end(text)
}

/**
 * Installs the fast path on `server` for as long as the layer lives. Needs the same queue, metrics,
 * memory of seen requests and configuration as the Effect handlers (the layers are shared when
 * built together).
 */
export const neatFormFastPath = (server: FastPathHost, maxBodyBytes: number) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const config = yield* GlobalManagerConfig
      const queue = yield* ReallocationQueue
      const metrics = yield* ServerMetrics
      const seen = yield* SeenRequests
      const authFailures = yield* AuthFailures
      const check = neatRequestChecker(config)

      const answer = (response: ServerResponse, startedNs: bigint, status: number, body: unknown) => {
        send(response, status, body)
        const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9
        const message = (body as { readonly message?: unknown } | undefined)?.message
        metrics.unsafeRequestServed("PUT", "/", status, seconds, typeof message === "string" ? message : undefined)
      }

      const handle = (response: ServerResponse, startedNs: bigint, body: string, client: string | undefined) => {
        const params = paramsOf(body)
        if (typeof params === "string") {
          return answer(response, startedNs, 400, { _tag: "BadRequest", message: `${params} is given more than once` })
        }
        const refuse = (refused: NeatRejection) => {
          if (refused.authFailure !== undefined)
            authFailures.unsafeRecord("neat", refused.authFailure, client, { method: "PUT", url: "/" })
          answer(response, startedNs, refused.status, { _tag: refused.tag, message: refused.message })
        }
        const nowSec = Date.now() / 1000
        const checked = check(params, { signed: false, nowSec })
        if (isRejection(checked)) return refuse(checked)
        const replayed = refuseReplay(seen, params, nowSec, config.request_freshness_window)
        if (replayed !== undefined) return refuse(replayed)
        queue.unsafeSubmit(checked, undefined, (exit) => {
          if (Exit.isFailure(exit)) {
            // A defect in the worker (a bug in an algorithm or a cloud layer): no decision to show.
            const message = `the reallocation failed: ${Cause.pretty(exit.cause).split("\n")[0] ?? "unknown"}`
            return answer(response, startedNs, 500, { _tag: "InternalServerError", message })
          }
          const outcome = exit.value
          if (outcome.result._tag === "Rejected") {
            return answer(response, startedNs, 422, { _tag: "UnprocessableEntity", message: outcome.result.message })
          }
          if (outcome.result._tag === "Unrecorded") {
            return answer(response, startedNs, 503, { _tag: "ServiceUnavailable", message: outcome.result.message })
          }
          answer(
            response,
            startedNs,
            200,
            reallocationBody(outcome.coalesced, outcome.result.decision, outcome.requestId)
          )
        })
      }

      const fastPath: FastPath = (request, response) => {
        if (!isNeatForm(request, maxBodyBytes)) return false
        const startedNs = process.hrtime.bigint()
        const chunks: Array<Buffer> = []
        let size = 0
        request.on("data", (chunk: Buffer) => {
          size += chunk.length
          if (size <= maxBodyBytes) chunks.push(chunk)
        })
        request.on("end", () => {
          if (size > maxBodyBytes) {
            return answer(response, startedNs, 413, {
              _tag: "PayloadTooLarge",
              message: `the request body is larger than ${maxBodyBytes} bytes`
            })
          }
          handle(response, startedNs, Buffer.concat(chunks).toString("utf8"), request.socket.remoteAddress)
        })
        request.on("error", () => response.destroy())
        return true
      }
      server.fastPath = fastPath
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          if (server.fastPath === fastPath) server.fastPath = undefined
        })
      )
    })
  )
