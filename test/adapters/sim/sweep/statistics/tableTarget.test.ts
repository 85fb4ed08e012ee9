/** `--table FORMAT:FILE` or `--table FILE` with the format from its extension. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { parseTableTarget } from "../../../../../src/adapters/sim/sweep/statistics/tableTarget.js"

describe("parseTableTarget", () => {
  it("takes FORMAT:FILE, FILE by extension, and - for stdout", () => {
    expect(Either.getOrThrow(parseTableTarget("md:out/table.md"))).toEqual({ format: "md", file: "out/table.md" })
    expect(Either.getOrThrow(parseTableTarget("latex:-"))).toEqual({ format: "latex", file: "-" })
    expect(Either.getOrThrow(parseTableTarget("csv:C:/t.txt"))).toEqual({ format: "csv", file: "C:/t.txt" })
    expect(Either.getOrThrow(parseTableTarget("paper/table.tex"))).toEqual({ format: "latex", file: "paper/table.tex" })
    expect(Either.getOrThrow(parseTableTarget("t.CSV"))).toEqual({ format: "csv", file: "t.CSV" })
  })

  it("refuses an unknown format or a missing file, naming the option", () => {
    for (const text of ["html:x.html", "table.txt", "md:"]) {
      const parsed = parseTableTarget(text)
      expect(Either.isLeft(parsed) && parsed.left.field, text).toBe("table")
    }
  })
})
