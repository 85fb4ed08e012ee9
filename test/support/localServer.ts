/** Helpers for tests that start an HTTP server of ours on loopback. */
import { createServer } from "node:net"

/** A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/**
 * Polls `<url>/healthz` every 20 ms until it answers 2xx; fails after `timeoutMs` (30 s: an
 * in-process serve takes several seconds to start on a loaded machine).
 */
export const waitForHealth = async (url: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no answer from ${url}`)
}
