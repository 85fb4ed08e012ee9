import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { loadTrace, type PlanetLabLoader, parseSyntheticSpec } from "../../../../src/adapters/sim/traces/loadTrace.js"
import { defaultSyntheticWorkload } from "../../../../src/adapters/sim/traces/synthetic.js"

const dir = mkdtempSync(join(tmpdir(), "neat-trace-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("loadTrace", () => {
  it("generates the synthetic workload from its spec", async () => {
    const trace = await Effect.runPromise(loadTrace("synthetic:vms=12,seed=3,days=0.5"))
    expect(trace.names.length).toBe(12)
    expect(trace.samples).toBe(144)
    const fallback = await Effect.runPromise(loadTrace("synthetic"))
    expect(fallback.names.length).toBe(defaultSyntheticWorkload.vms)
  })

  it.each([
    ["synthetic:vms=0,seed=1", "vms"],
    ["synthetic:vms=10,colour=3", "trace"],
    ["synthetic:vms=ten", "trace"],
    ["synthetic-ish", "trace"]
  ])("rejects the spec %s naming %s", (spec, field) => {
    const result = parseSyntheticSpec(spec)
    expect(Either.isLeft(result) && result.left.field).toBe(field)
  })

  it("reads a CSV file and applies a VM order", async () => {
    const csv = join(dir, "t.csv")
    writeFileSync(csv, "a,0,10\nb,0,20\na,60,30\nb,60,40\n")
    const order = join(dir, "order.csv")
    writeFileSync(order, "0,b\n1,a\n")
    const trace = await Effect.runPromise(loadTrace(csv, { vmOrder: order }))
    expect(trace.names).toEqual(["b", "a"])
    expect(Array.from(trace.cpu)).toEqual([0.2, 0.4, 0.1, 0.3])
    writeFileSync(order, "0,b\n1,nobody\n")
    const error = await Effect.runPromise(Effect.flip(loadTrace(csv, { vmOrder: order })))
    expect(error).toMatchObject({ _tag: "InputError", file: order, line: 2, field: "filename" })
  })

  it("hands directories to the PlanetLab loader, with the order checked against the files", async () => {
    const planetLab = join(dir, "day")
    mkdirSync(planetLab)
    writeFileSync(join(planetLab, "x"), "1\n")
    writeFileSync(join(planetLab, "y"), "2\n")
    const calls: Array<[string, ReadonlyArray<string> | undefined]> = []
    const loader: PlanetLabLoader = (path, order) => {
      calls.push([path, order])
      return Effect.succeed({ names: order ?? ["x", "y"], intervalSec: 300, samples: 1, cpu: new Float64Array(2) })
    }
    const order = join(dir, "pl-order.csv")
    writeFileSync(order, "0,y\n1,x\n")
    await Effect.runPromise(loadTrace(planetLab, { planetLab: loader }))
    await Effect.runPromise(loadTrace(planetLab, { planetLab: loader, vmOrder: order }))
    expect(calls).toEqual([
      [planetLab, undefined],
      [planetLab, ["y", "x"]]
    ])
    writeFileSync(order, "0,y\n1,z\n")
    const error = await Effect.runPromise(Effect.flip(loadTrace(planetLab, { planetLab: loader, vmOrder: order })))
    expect(error).toMatchObject({ _tag: "InputError", line: 2, message: "'z' is not in the trace" })
    const unsupported = await Effect.runPromise(Effect.flip(loadTrace(planetLab)))
    expect(unsupported._tag).toBe("ConfigError")
  })

  it("names a missing path and an unknown file type", async () => {
    const missing = await Effect.runPromise(Effect.flip(loadTrace(join(dir, "missing"))))
    expect(missing).toMatchObject({ _tag: "InputError", message: "no such file or directory" })
    const other = join(dir, "t.txt")
    writeFileSync(other, "")
    const unknown = await Effect.runPromise(Effect.flip(loadTrace(other)))
    expect(unknown).toMatchObject({ _tag: "ConfigError", field: "trace" })
  })
})
