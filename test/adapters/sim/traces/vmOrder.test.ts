import { readdirSync, readFileSync } from "node:fs"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { Trace } from "../../../../src/adapters/sim/Trace.js"
import { applyVmOrder, parseVmOrder } from "../../../../src/adapters/sim/traces/vmOrder.js"
import { itWithRequirement, sharedMaterial } from "../../../support/requirement.js"

const known = ["a", "b", "c"]

describe("VM order files", () => {
  it("gives names in index order, whatever the line order", () => {
    expect(Either.getOrThrow(parseVmOrder("2,c\n0,b\n1,a\n", "order.csv", known))).toEqual(["b", "a", "c"])
  })

  it("accepts a subset, a header, blank lines and CRLF", () => {
    expect(Either.getOrThrow(parseVmOrder("index,filename\r\n0,c\r\n\r\n1,a\r\n", "order.csv", known))).toEqual([
      "c",
      "a"
    ])
  })

  it.each([
    ["0,a,x\n", 1, "columns", "expected 'index,filename'"],
    ["0,a\nx,b\n", 2, "index", "not a VM index: 'x'"],
    ["0,a\n-1,b\n", 2, "index", "not a VM index"],
    ["0,a\n0,b\n", 2, "index", "index 0 is given twice (also on line 1)"],
    ["0,a\n1,dir/b\n", 2, "filename", "not a file name: 'dir/b'"],
    ["0,a\n1,a\n", 2, "filename", "'a' already listed on line 1"],
    ["0,a\n1,zzz\n", 2, "filename", "'zzz' is not in the trace"],
    ["0,a\n1,\n", 2, "filename", "empty file name"],
    ["0,a\n2,b\n", undefined, "index", "indices must be 0..1: 1 is missing"],
    ["\n", undefined, undefined, "no VM listed"]
  ])("rejects %j at line %s, field %s", (text, line, field, message) => {
    const result = parseVmOrder(text, "order.csv", known)
    if (Either.isRight(result)) throw new Error("expected an error")
    expect(result.left.file).toBe("order.csv")
    expect(result.left.line).toBe(line)
    expect(result.left.field).toBe(field)
    expect(result.left.message).toContain(message)
  })

  it("renumbers a trace's VMs and their memory", () => {
    const trace: Trace = {
      names: known,
      intervalSec: 300,
      samples: 2,
      cpu: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
      ramMb: Float64Array.from([1, 2, 3])
    }
    const ordered = applyVmOrder(trace, ["c", "a"])
    expect(ordered.names).toEqual(["c", "a"])
    expect(Array.from(ordered.cpu)).toEqual([0.5, 0.6, 0.1, 0.2])
    expect(Array.from(ordered.ramMb ?? [])).toEqual([3, 1])
    expect(ordered.samples).toBe(2)
  })
})

describe("CloudSim's VM order of day 20110303", () => {
  itWithRequirement(
    "names every file of the day once",
    sharedMaterial("reference/cloudsim-file-order-20110303.csv", "traces/planetlab/20110303"),
    ([file, dayDir]) => {
      const files = readdirSync(dayDir)
      const order = Either.getOrThrow(parseVmOrder(readFileSync(file, "utf8"), file, files))
      expect(order.length).toBe(files.length)
      expect(new Set(order)).toEqual(new Set(files))
      // CloudSim's listing order is not the sorted order.
      expect(order).not.toEqual([...files].sort())
    }
  )
})
