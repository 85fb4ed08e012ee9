import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { loadCsvTrace, parseCsvTrace } from "../../../../src/adapters/sim/traces/csv.js"
import type { InputError } from "../../../../src/core/errors.js"
import { describeError } from "../../../../src/core/errors.js"

const parse = (text: string) => parseCsvTrace(text, "t.csv")
const failure = (text: string): InputError => {
  const result = parse(text)
  if (Either.isRight(result)) throw new Error("expected an error")
  return result.left
}

describe("CSV traces", () => {
  it("reads rows with a header, infers the interval and keeps first-appearance VM order", () => {
    const result = parse("vm,time,cpu_percent\nb,0,10\na,0,50\nb,300,20\na,300,100\n")
    const trace = Either.getOrThrow(result)
    expect(trace.names).toEqual(["b", "a"])
    expect(trace.intervalSec).toBe(300)
    expect(trace.samples).toBe(2)
    expect(Array.from(trace.cpu)).toEqual([0.1, 0.2, 0.5, 1])
    expect(trace.ramMb).toBeUndefined()
  })

  it("accepts rows without a header, in any order, with ram_mb", () => {
    const trace = Either.getOrThrow(
      parse("a,120,5,1024\na,0,1,1024\nb,60,7,512\nb,0,3,512\na,60,2,1024\nb,120,9,512\n")
    )
    expect(trace.intervalSec).toBe(60)
    expect(trace.samples).toBe(3)
    expect(Array.from(trace.cpu)).toEqual([0.01, 0.02, 0.05, 0.03, 0.07, 0.09])
    expect(Array.from(trace.ramMb ?? [])).toEqual([1024, 512])
  })

  it("ignores blank and comment lines and a byte-order mark", () => {
    const trace = Either.getOrThrow(parse("\uFEFF# from somewhere\nvm,time,cpu_percent\n\na,0,1\na,10,2\n"))
    expect(trace.samples).toBe(2)
  })

  it.each([
    ["a,0,1\na,300\n", 2, "columns", "expected 3 columns"],
    ["a,0,1,2,3\n", 1, "columns", "expected 3 or 4 columns"],
    ["vm,when,cpu_percent\na,0,1\n", 1, "time", "header column 2 must be 'time'"],
    ["a,0,1\na,x,2\n", 2, "time", "not a number: 'x'"],
    ["a,x,2\n", 1, "time", "not a number: 'x'"],
    ["a,0,1\na,300,abc\n", 2, "cpu_percent", "not a number: 'abc'"],
    ["a,0,1\na,300,\n", 2, "cpu_percent", "not a number: ''"],
    ["a,0,-1\n", 1, "cpu_percent", "within 0..100"],
    ["a,0,100.5\n", 1, "cpu_percent", "within 0..100"],
    ["a,-300,1\n", 1, "time", "negative time"],
    [",0,1\n", 1, "vm", "empty VM name"],
    ["a,0,1,512\na,300,1,1024\n", 2, "ram_mb", "1024 MB here but 512 MB on line 1"],
    ["a,0,1,0\n", 1, "ram_mb", "must be positive"],
    ["a,0,1\na,300,2\na,300,3\n", 3, "time", "duplicate sample for VM 'a' at time 300 (also on line 2)"],
    [
      "a,0,1\na,300,2\na,600,3\na,1200,3\n",
      4,
      "time",
      "1 missing sample(s) of VM 'a' between time 600 (line 3) and 1200"
    ],
    ["a,0,1\na,300,2\na,600,3\na,700,3\na,900,1\n", 4, "time", "irregular time 700"],
    ["a,0,1\na,300,2\nb,300,1\nb,600,1\n", 3, "time", "VM 'b' starts at time 300, but the trace starts at 0"],
    ["a,0,1\na,300,2\na,600,2\nb,0,1\nb,300,1\n", 5, "vm", "VM 'b' has 2 samples, but VM 'a' has 3"],
    ["a,0,1\nb,0,1\n", undefined, "time", "cannot infer the sampling interval"],
    ["vm,time,cpu_percent\n", undefined, undefined, "no data rows"]
  ])("rejects %j at line %s, field %s", (text, line, field, message) => {
    const error = failure(text)
    expect(error.file).toBe("t.csv")
    expect(error.line).toBe(line)
    expect(error.field).toBe(field)
    expect(error.message).toContain(message)
  })

  it("checks a given interval instead of inferring it", () => {
    const result = parseCsvTrace("a,0,1\na,300,2\n", "t.csv", { intervalSec: 150 })
    expect(Either.isLeft(result) && result.left.message).toContain("1 missing sample(s)")
    expect(Either.getOrThrow(parseCsvTrace("a,0,1\nb,0,2\n", "t.csv", { intervalSec: 60 })).intervalSec).toBe(60)
  })

  const dir = mkdtempSync(join(tmpdir(), "neat-csv-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("streams a file from disk and names the file in errors", async () => {
    const good = join(dir, "good.csv")
    const rows = ["vm,time,cpu_percent,ram_mb"]
    for (let v = 0; v < 50; v++)
      for (let k = 0; k < 288; k++) rows.push(`vm${v},${k * 300},${(v + k) % 101},${128 * (v + 1)}`)
    writeFileSync(good, `${rows.join("\r\n")}\r\n`)
    const trace = await Effect.runPromise(loadCsvTrace(good))
    expect(trace.names.length).toBe(50)
    expect(trace.samples).toBe(288)
    expect(trace.cpu[1 * 288 + 2]).toBeCloseTo(0.03)
    expect(trace.ramMb?.[49]).toBe(6400)

    const bad = join(dir, "bad.csv")
    writeFileSync(bad, "a,0,1\na,300,oops\n")
    const error = await Effect.runPromise(Effect.flip(loadCsvTrace(bad)))
    expect(describeError(error)).toBe(`${bad}, line 2, cpu_percent: not a number: 'oops'`)
  })

  it("reports a missing file as an input error", async () => {
    const error = await Effect.runPromise(Effect.flip(loadCsvTrace(join(dir, "nope.csv"))))
    expect(error._tag).toBe("InputError")
    expect(error.message).toContain("no such file")
  })
})
