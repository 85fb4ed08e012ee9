import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid, gridParameterNames } from "../../../../src/adapters/sim/sweep/grid.js"
import { expandDays, parseParams, parseParamValue, readGridFile } from "../../../../src/adapters/sim/sweep/gridSpec.js"
import { parseRunnerRef } from "../../../../src/adapters/sim/sweep/simulationRunnerRef.js"

const dir = mkdtempSync(join(tmpdir(), "neat-grid-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("grid options", () => {
  it("parses parameter values as numbers, booleans or text", () => {
    expect(parseParamValue("0.8")).toBe(0.8)
    expect(parseParamValue("true")).toBe(true)
    expect(parseParamValue("thr:0.8")).toBe("thr:0.8")
    expect(Either.getOrThrow(parseParams(["overload=thr:0.8, lr:1.2", "safety=1.5"]))).toEqual({
      overload: ["thr:0.8", "lr:1.2"],
      safety: [1.5]
    })
  })

  it.each([
    [["overload"], "expected NAME=VALUE"],
    [["=1"], "expected NAME=VALUE"],
    [["9x=1"], "not a parameter name"],
    [["a=1", "a=2"], "given twice"],
    [["a=1,,2"], "empty value"],
    [["a=1,1"], "repeats a value"]
  ])("rejects %j", (options, message) => {
    const result = parseParams(options)
    expect(Either.isLeft(result) && result.left.message).toContain(message)
  })

  it("expands trace days: all subdirectories sorted, or the ones named", async () => {
    for (const day of ["20110306", "20110303"]) mkdirSync(join(dir, "days", day), { recursive: true })
    writeFileSync(join(dir, "days", "README"), "")
    expect(await Effect.runPromise(expandDays(join(dir, "days"), "all"))).toEqual([
      join(dir, "days", "20110303"),
      join(dir, "days", "20110306")
    ])
    expect(await Effect.runPromise(expandDays(join(dir, "days"), "20110306"))).toEqual([join(dir, "days", "20110306")])
    const missing = await Effect.runPromise(Effect.flip(expandDays(join(dir, "days"), "20110303,20990101")))
    expect(missing).toMatchObject({
      _tag: "InputError",
      file: join(dir, "days", "20990101"),
      message: "no such trace day"
    })
    const outside = await Effect.runPromise(Effect.flip(expandDays(join(dir, "days"), "../x")))
    expect(outside._tag).toBe("ConfigError")
    const empty = await Effect.runPromise(Effect.flip(expandDays(join(dir, "days", "20110303"), "all")))
    expect(empty.message).toBe("no trace day directories")
  })

  it("reads a JSON grid file and names what is wrong with a bad one", async () => {
    const file = join(dir, "grid.json")
    writeFileSync(
      file,
      JSON.stringify({ policies: ["cloudsim"], parameters: { overload: ["thr:0.8", 1.2] }, traces: ["d"] })
    )
    expect(await Effect.runPromise(readGridFile(file))).toEqual({
      policies: ["cloudsim"],
      parameters: { overload: ["thr:0.8", 1.2] },
      traces: ["d"]
    })
    writeFileSync(file, JSON.stringify({ policies: [], traces: ["d"] }))
    const empty = await Effect.runPromise(Effect.flip(readGridFile(file)))
    expect(empty).toMatchObject({ _tag: "InputError", file })
    expect(empty.message).toContain("policies")
    writeFileSync(file, JSON.stringify({ policies: ["a"], traces: ["d"], extra: 1 }))
    expect((await Effect.runPromise(Effect.flip(readGridFile(file)))).message).toContain("extra")
    writeFileSync(file, "{")
    expect((await Effect.runPromise(Effect.flip(readGridFile(file)))).message).toContain("not valid JSON")
  })

  it("reads further blocks (also) and VM orders, and expands the blocks on every trace", async () => {
    const file = join(dir, "blocks.json")
    writeFileSync(
      file,
      JSON.stringify({
        policies: ["cloudsim"],
        parameters: { overload: ["thr:0.8", "lr:1.2"] },
        also: [
          { policies: ["cloudsim"], parameters: { overload: ["thr:1.0"], selection: ["mmt"] } },
          { policies: ["npa"] }
        ],
        traces: ["a/d1", "a/d2"],
        vmOrder: ["d1=orders/d1.csv"]
      })
    )
    const grid = await Effect.runPromise(readGridFile(file))
    expect(grid.also).toEqual([
      { policies: ["cloudsim"], parameters: { overload: ["thr:1.0"], selection: ["mmt"] } },
      { policies: ["npa"], parameters: {} }
    ])
    expect(grid.vmOrder).toEqual(["d1=orders/d1.csv"])
    expect(gridParameterNames(grid)).toEqual(["overload", "selection"])
    const jobs = expandGrid(grid)
    expect(jobs.map((job) => [job.trace, job.policy, job.params])).toEqual(
      ["a/d1", "a/d2"].flatMap((trace) => [
        [trace, "cloudsim", { overload: "thr:0.8" }],
        [trace, "cloudsim", { overload: "lr:1.2" }],
        [trace, "cloudsim", { overload: "thr:1.0", selection: "mmt" }],
        [trace, "npa", {}]
      ])
    )
    writeFileSync(file, JSON.stringify({ policies: ["npa"], traces: ["d"], also: [{ parameters: {} }] }))
    expect((await Effect.runPromise(Effect.flip(readGridFile(file)))).message).toContain("policies")
  })

  it("parses --runner MODULE#EXPORT and checks the module exists (.js standing for .ts)", () => {
    const fixture = fileURLToPath(new URL("./fixtureRunner.ts", import.meta.url))
    expect(Either.getOrThrow(parseRunnerRef(`${fixture}#runFixtureJob`))).toEqual({
      module: fixture,
      exportName: "runFixtureJob"
    })
    expect(Either.getOrThrow(parseRunnerRef(`${fixture.replace(/\.ts$/, ".js")}#runFixtureJob`)).module).toBe(fixture)
    const noExport = parseRunnerRef(fixture)
    expect(Either.isLeft(noExport) && noExport.left.message).toBe("expected MODULE#EXPORT")
    const missing = parseRunnerRef(join(dir, "none.ts#run"))
    expect(Either.isLeft(missing) && missing.left.message).toContain("no such module")
  })
})
