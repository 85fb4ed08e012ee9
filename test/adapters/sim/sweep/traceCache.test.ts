import { describe, expect, it } from "vitest"
import { makeTraceCache } from "../../../../src/adapters/sim/sweep/traceCache.js"

describe("makeTraceCache", () => {
  it("loads each spec once while it stays among the most recently used", async () => {
    const loads: Array<string> = []
    const cached = makeTraceCache(async (spec: string) => {
      loads.push(spec)
      return `trace of ${spec}`
    }, 2)
    expect(await Promise.all([cached("a"), cached("a")])).toEqual(["trace of a", "trace of a"])
    await cached("b")
    await cached("a")
    await cached("c") // evicts b, the least recently used
    await cached("a")
    await cached("b")
    expect(loads).toEqual(["a", "b", "c", "b"])
  })

  it("forgets a failed load so that the next request retries", async () => {
    let attempts = 0
    const cached = makeTraceCache(async (spec: string) => {
      attempts++
      if (attempts === 1) throw new Error(`cannot read ${spec}`)
      return spec
    })
    await expect(cached("x")).rejects.toThrow("cannot read x")
    expect(await cached("x")).toBe("x")
    expect(attempts).toBe(2)
  })
})
