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
})
