import { describe, expect, it } from "vitest"
import { extent, formatTick, hourTicks, linearScale, niceTicks } from "../../../../src/adapters/sim/report/scale.js"

describe("axis scales", () => {
  it("picks round ticks covering the range", () => {
    expect(niceTicks(0, 1000)).toEqual({ ticks: [0, 200, 400, 600, 800, 1000], step: 200 })
    expect(niceTicks(86.2, 151.3).ticks).toEqual([80, 100, 120, 140, 160])
    const small = niceTicks(0.0047, 0.0061)
    expect(small.ticks[0]).toBeLessThanOrEqual(0.0047)
    expect(small.ticks[small.ticks.length - 1]).toBeGreaterThanOrEqual(0.0061)
    expect(formatTick(0.0045, small.step)).toBe("0.0045")
  })

  it("widens an empty range instead of dividing by zero", () => {
    const { ticks } = niceTicks(5, 5)
    expect(ticks[0]).toBeLessThan(5)
    expect(ticks[ticks.length - 1]).toBeGreaterThan(5)
  })

  it("ticks hours at 3-hour steps over a day, ending at 24", () => {
    expect(hourTicks(0, 287 / 12)).toEqual({ ticks: [0, 3, 6, 9, 12, 15, 18, 21, 24], step: 3 })
    expect(hourTicks(0, 240).step).toBe(48)
  })

  it("maps linearly and finds the finite extent", () => {
    expect(linearScale(0, 10, 100, 200)(5)).toBe(150)
    expect(linearScale(0, 10, 200, 100)(10)).toBe(100)
    expect(extent([3, Number.NaN, -1, 7])).toEqual([-1, 7])
    expect(extent([Number.NaN])).toBeUndefined()
  })
})
