import { createServer } from "node:net"
import { HttpServerError } from "@effect/platform"
import { describe, expect, it } from "vitest"
import { ConfigError, describeError, InputError, UnknownHost } from "../../src/core/errors.js"

describe("describeError", () => {
  it("names the file, line and field of a bad input", () => {
    const error = new InputError({ file: "traces/a.csv", line: 12, field: "cpu_percent", message: "not a number: 'x'" })
    expect(describeError(error)).toBe("traces/a.csv, line 12, cpu_percent: not a number: 'x'")
  })

  it("names the option of a bad configuration value", () => {
    const error = new ConfigError({
      field: "local_manager_interval",
      message: "must be a positive integer",
      source: "neat.conf"
    })
    expect(describeError(error)).toBe("configuration: local_manager_interval: must be a positive integer (neat.conf)")
  })

  it("names the unknown host", () => {
    expect(describeError(new UnknownHost({ host: "compute9" }))).toBe("unknown host: compute9")
  })

  it("says why the HTTP server cannot listen, from the socket's own error", async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
    const address = taken.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const second = createServer()
    const refusal = await new Promise<Error>((resolve) => {
      second.once("error", resolve)
      second.listen(port, "127.0.0.1")
    })
    taken.close()
    expect(describeError(new HttpServerError.ServeError({ cause: refusal }))).toBe(
      `the HTTP server cannot start: listen EADDRINUSE: address already in use 127.0.0.1:${port}: another process listens on that address (global_manager_host, global_manager_port)`
    )
  })
})
