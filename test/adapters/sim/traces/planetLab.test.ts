import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { loadPlanetLabTrace, readPlanetLabTrace } from "../../../../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../../../../src/adapters/sim/traces/vmOrder.js"
import { describeError, InputError } from "../../../../src/core/errors.js"

const root = mkdtempSync(join(tmpdir(), "neat-planetlab-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A trace directory with the given files (name → content). */
const dirWith = (name: string, files: Readonly<Record<string, string>>): string => {
  const dir = join(root, name)
  mkdirSync(dir)
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content)
  return dir
}
const day = (value: number, samples = 288): string =>
  `${Array.from({ length: samples }, () => String(value)).join("\n")}\n`

const failure = (result: unknown): InputError => {
  expect(result).toBeInstanceOf(InputError)
  return result as InputError
}

describe("PlanetLab traces", () => {
  it("loads one VM per file, sorted by name, percentages as fractions", () => {
    const dir = dirWith("good", { b: day(40), a: day(10) })
    const trace = readPlanetLabTrace(dir)
    if (trace instanceof InputError) throw new Error(trace.message)
    expect(trace.names).toEqual(["a", "b"])
    expect(trace.samples).toBe(288)
    expect(trace.intervalSec).toBe(300)
    expect(trace.cpu[0]).toBe(0.1)
    expect(trace.cpu[288]).toBe(0.4)
  })

  it("takes an explicit order", async () => {
    const dir = dirWith("ordered", { b: day(40), a: day(10) })
    const trace = await Effect.runPromise(loadPlanetLabTrace(dir, { order: ["b", "a"] }))
    expect(trace.names).toEqual(["b", "a"])
    expect(trace.cpu[0]).toBe(0.4)
  })

  // The reader's byte path takes plain files; anything else is read from the text: both agree.
  it("reads CRLF, blanks around values, leading zeros, no final newline and a BOM alike", () => {
    const values = Array.from({ length: 288 }, (_, i) => (i * 7) % 101)
    const plain = values.map(String)
    const files = {
      a: `${plain.join("\n")}\n`,
      b: `${plain.join("\r\n")}\r\n`,
      c: plain.map((value, i) => (i % 2 === 0 ? ` \t${value}  ` : `00${value}\t`)).join("\n"),
      d: `\uFEFF${plain.join("\n")}\n`
    }
    const trace = readPlanetLabTrace(dirWith("spellings", files))
    if (trace instanceof InputError) throw new Error(trace.message)
    const expected = values.map((value) => value / 100)
    for (let v = 0; v < 4; v++) expect([...trace.cpu.subarray(v * 288, (v + 1) * 288)]).toEqual(expected)
  })

  it("refuses a blank line, a signed value and a line too many, naming the line", () => {
    const lines = day(5).split("\n")
    const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
      ["blank", [...lines.slice(0, 10), "", ...lines.slice(11)].join("\n"), /line 11: not an integer/],
      ["plus", [...lines.slice(0, 10), "+5", ...lines.slice(11)].join("\n"), /line 11: not an integer/],
      ["extra", `${day(5)}5\n`, /line 289: expected 288 CPU percentages, one per line, found 289/],
      ["blank end", `${day(5)}  \n`, /line 289: expected 288 .* found 289/]
    ]
    for (const [name, text, message] of cases) {
      expect(describeError(failure(readPlanetLabTrace(dirWith(`bad-${name}`, { a: text }))))).toMatch(message)
    }
  })

  it("names the file and line of a value that is not an integer", () => {
    const lines = day(5).split("\n")
    lines[41] = "12.5x"
    const dir = dirWith("nonnumeric", { a: day(5), b: lines.join("\n") })
    const error = failure(readPlanetLabTrace(dir))
    expect(error.file).toBe(join(dir, "b"))
    expect(error.line).toBe(42)
    expect(describeError(error)).toContain("line 42")
  })

  it.each(["101", "-1", "100000000000000000000000"])(
    "refuses the value %s, outside 0-100, naming file and line",
    (value) => {
      const lines = day(5).split("\n")
      lines[41] = value
      const dir = dirWith(`out-of-range${value}`, { a: day(100), b: lines.join("\n") })
      const error = failure(readPlanetLabTrace(dir))
      expect(describeError(error)).toBe(`${join(dir, "b")}, line 42: CPU percentage ${value} is outside 0-100`)
    }
  )

  it("names the file of a trace of the wrong length", () => {
    const dir = dirWith("short", { a: day(5, 287) })
    const error = failure(readPlanetLabTrace(dir))
    expect(error.file).toBe(join(dir, "a"))
    expect(error.message).toMatch(/expected 288 .* found 287/)
  })

  it("rejects an empty directory, a missing directory and a missing file", () => {
    expect(failure(readPlanetLabTrace(dirWith("empty", {}))).message).toMatch(/no files/)
    expect(failure(readPlanetLabTrace(join(root, "absent"))).message).toMatch(/cannot read trace directory/)
    const dir = dirWith("partial", { a: day(5) })
    const missing = failure(readPlanetLabTrace(dir, { order: ["a", "gone"] }))
    expect(missing.file).toBe(join(dir, "gone"))
    expect(missing.message).toMatch(/not found/)
  })

  it("fails as an Effect with the same InputError", async () => {
    const result = await Effect.runPromise(Effect.either(loadPlanetLabTrace(join(root, "nowhere"))))
    expect(Either.isLeft(result) && result.left._tag).toBe("InputError")
  })
})

describe("VM order files", () => {
  it("reads index,filename lines, skipping a header and comments", () => {
    const order = parseVmOrder("index,filename\n# CloudSim's listFiles order\n0,b\n1,a\n", "order.csv")
    expect(Either.getOrThrow(order)).toEqual(["b", "a"])
  })

  it("names the line and field of a bad entry", () => {
    const cases: ReadonlyArray<readonly [string, number | undefined, string | undefined, RegExp]> = [
      ["0,a\nx,b\n", 2, "index", /x/],
      ["0,a\n0,b\n", 2, "index", /index 0/],
      ["0,a\n1,a\n", 2, "filename", /already listed on line 1/],
      ["0,a,b\n", 1, "columns", /column/],
      ["0,a\n2,b\n", undefined, "index", /1 is missing/],
      ["", undefined, undefined, /no VM/]
    ]
    for (const [text, line, field, message] of cases) {
      const result = parseVmOrder(text, "order.csv")
      expect(Either.isLeft(result), text).toBe(true)
      if (Either.isLeft(result)) {
        if (line !== undefined) expect(result.left.line).toBe(line)
        expect(result.left.field).toBe(field)
        expect(result.left.message).toMatch(message)
      }
    }
  })
})
