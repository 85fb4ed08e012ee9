import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type BestFitHosts,
  findFirstFit,
  findHostForVm,
  makeBestFitWorkspace
} from "../../../src/algorithms/cloudsim/placement/powerAwareBestFit.js"

/** Hosts with fixed scores; `fits` false hosts are unsuitable; `overloaded` reject the VM. */
const hosts = (spec: ReadonlyArray<{ score: number; fits?: boolean; busy?: boolean; overloaded?: boolean }>) => {
  const tested: Array<number> = []
  const view: BestFitHosts = {
    score: (_vm, excluded, ids, scores) => {
      let n = 0
      spec.forEach((h, i) => {
        if (excluded[i] === 1 || h.fits === false) return
        ids[n] = i
        scores[n++] = h.score
      })
      return n
    },
    busy: (h) => spec[h]?.busy ?? true,
    overloadedWith: (h) => {
      tested.push(h)
      return spec[h]?.overloaded ?? false
    }
  }
  return { view, tested }
}

describe("power-aware best fit", () => {
  const workspace = makeBestFitWorkspace(8)
  const none = new Uint8Array(8)

  it("picks the smallest power increase, the lowest host of equals", () => {
    const { view } = hosts([{ score: 5 }, { score: 3 }, { score: 3 }, { score: 4 }])
    expect(findHostForVm(view, 0, none, workspace)).toBe(1)
  })

  it("skips excluded and unsuitable hosts", () => {
    const excluded = Uint8Array.of(0, 1, 0, 0)
    const { view } = hosts([{ score: 5 }, { score: 1 }, { score: 2, fits: false }, { score: 4 }])
    expect(findHostForVm(view, 0, excluded, workspace)).toBe(3)
  })

  it("takes the next best when the best would be overloaded, testing only busy hosts", () => {
    const { view, tested } = hosts([
      { score: 5 },
      { score: 1, overloaded: true },
      { score: 2, busy: false, overloaded: true },
      { score: 3 }
    ])
    expect(findHostForVm(view, 0, none, workspace)).toBe(2)
    expect(tested).toEqual([1])
  })

  it("returns -1 when nothing fits; first fit takes the lowest suitable host", () => {
    const { view } = hosts([{ score: 1, overloaded: true }])
    expect(findHostForVm(view, 0, none, workspace)).toBe(-1)
    const second = hosts([{ score: 9, fits: false }, { score: 7 }, { score: 1 }])
    expect(findFirstFit(second.view, 0, none, workspace)).toBe(1)
  })

  it("tests hosts in the order of (score, host number) until one takes the VM, as testing every host would", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // Few distinct scores, so that ties are common.
            score: fc.integer({ min: 0, max: 6 }).map((k) => k / 4),
            fits: fc.boolean(),
            busy: fc.boolean(),
            overloaded: fc.boolean()
          }),
          { maxLength: 40 }
        ),
        (spec) => {
          const { view, tested } = hosts(spec)
          const chosen = findHostForVm(view, 0, new Uint8Array(64), makeBestFitWorkspace(64))
          // The literal procedure: every suitable host by (score, number); the first that is idle
          // or not overloaded with the VM.
          const order = spec
            .map((h, i) => ({ ...h, i }))
            .filter((h) => h.fits)
            .sort((a, b) => a.score - b.score || a.i - b.i)
          const expected = order.find((h) => !h.busy || !h.overloaded)?.i ?? -1
          expect(chosen).toBe(expected)
          const upTo = expected < 0 ? order : order.slice(0, order.findIndex((h) => h.i === expected) + 1)
          expect(tested).toEqual(upTo.filter((h) => h.busy).map((h) => h.i))
        }
      )
    )
  })

  it("keeps that order when hundreds of hosts in a row refuse the VM", () => {
    // One workspace for all runs, as in a simulation.
    const shared = makeBestFitWorkspace(600)
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            score: fc.integer({ min: 0, max: 40 }).map((k) => k / 8),
            fits: fc.boolean(),
            busy: fc.boolean(),
            // Mostly refused, so that the search goes through several batches.
            overloaded: fc.integer({ min: 0, max: 30 }).map((k) => k !== 0)
          }),
          { minLength: 30, maxLength: 600 }
        ),
        (spec) => {
          const busySpec = spec.map((h) => ({ ...h, busy: h.busy || h.overloaded }))
          const { view, tested } = hosts(busySpec)
          const chosen = findHostForVm(view, 0, new Uint8Array(600), shared)
          const order = busySpec
            .map((h, i) => ({ ...h, i }))
            .filter((h) => h.fits)
            .sort((a, b) => a.score - b.score || a.i - b.i)
          const expected = order.find((h) => !h.busy || !h.overloaded)?.i ?? -1
          expect(chosen).toBe(expected)
          const upTo = expected < 0 ? order : order.slice(0, order.findIndex((h) => h.i === expected) + 1)
          expect(tested).toEqual(upTo.filter((h) => h.busy).map((h) => h.i))
        }
      ),
      { numRuns: 300 }
    )
  })
})
