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

/** Polls `<url>/healthz` every 20 ms until it answers 2xx; fails after about 3 s. */
export const waitForHealth = async (url: string): Promise<void> => {
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no answer from ${url}`)
}
