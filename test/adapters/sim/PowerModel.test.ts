import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  hpProLiantMl110G4,
  hpProLiantMl110G5,
  powerAt,
  powerAtLiteral,
  powerCurve,
  powerOnCurve
} from "../../../src/adapters/sim/PowerModel.js"

describe("SPECpower interpolation", () => {
  it("returns the table at measured points and interpolates linearly between them", () => {
    expect(powerAt(hpProLiantMl110G4, 0)).toBe(86)
    expect(powerAt(hpProLiantMl110G4, 0.5)).toBe(102)
    expect(powerAt(hpProLiantMl110G4, 1)).toBe(117)
    expect(powerAt(hpProLiantMl110G5, 0.8)).toBe(129)
    // Halfway between 50 % (102 W) and 60 % (106 W).
    expect(powerAt(hpProLiantMl110G4, 0.55)).toBeCloseTo(104, 12)
    // A quarter of the way between 90 % (133 W) and 100 % (135 W).
    expect(powerAt(hpProLiantMl110G5, 0.925)).toBeCloseTo(133.5, 12)
  })

  it("gives CloudSim's bits: the comparison test equals the remainder test for every utilisation", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
        expect(powerAt(hpProLiantMl110G4, u)).toBe(powerAtLiteral(hpProLiantMl110G4, u))
        expect(powerAt(hpProLiantMl110G5, u)).toBe(powerAtLiteral(hpProLiantMl110G5, u))
      }),
      { numRuns: 2000 }
    )
    for (let k = 0; k <= 1000; k++) {
      expect(powerAt(hpProLiantMl110G4, k / 1000)).toBe(powerAtLiteral(hpProLiantMl110G4, k / 1000))
    }
  })

  it("gives powerAt's bits on a precomputed curve, at, near and between the measured points", () => {
    const g4 = powerCurve(hpProLiantMl110G4)
    const g5 = powerCurve(hpProLiantMl110G5)
    const check = (u: number): void => {
      expect(powerOnCurve(g4, u)).toBe(powerAt(hpProLiantMl110G4, u))
      expect(powerOnCurve(g5, u)).toBe(powerAt(hpProLiantMl110G5, u))
    }
    fc.assert(fc.property(fc.double({ min: -0.5, max: 1.5, noNaN: true }), check), { numRuns: 2000 })
    for (let k = 0; k <= 10; k++) {
      // The measured points and their neighbouring doubles, where u · 10 may round to a whole number.
      for (const u of [k / 10, (k / 10) * (1 + Number.EPSILON), (k / 10) * (1 - Number.EPSILON), k * 0.1]) check(u)
    }
    for (let k = 0; k <= 10000; k++) check(k / 10000)
    expect(powerOnCurve(g4, Number.NaN)).toBeNaN()
  })

  it("clamps utilisation outside 0..1", () => {
    expect(powerAt(hpProLiantMl110G4, -0.1)).toBe(86)
    expect(powerAt(hpProLiantMl110G4, 1.2)).toBe(117)
  })
})
