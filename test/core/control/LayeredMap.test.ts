import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { LayeredMap } from "../../../src/core/control/LayeredMap.js"

/** Keys 0..30 over a base of keys 0..base-1: changes both replace base entries and add new keys. */
const step = fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer()), { maxLength: 6 })

describe("LayeredMap", () => {
  it("reads and iterates like a copied Map with the same changes set, however many layers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.array(step, { maxLength: 40 }), (baseSize, steps) => {
        let layered: ReadonlyMap<number, number> = new Map(Array.from({ length: baseSize }, (_, k) => [k, -k]))
        let copied = new Map(layered)
        for (const changes of steps) {
          layered = LayeredMap.with(layered, changes)
          copied = new Map(copied)
          for (const [key, value] of changes) copied.set(key, value)
          expect(layered.size).toBe(copied.size)
          expect([...layered]).toEqual([...copied])
          expect([...layered.keys()]).toEqual([...copied.keys()])
          expect([...layered.values()]).toEqual([...copied.values()])
          for (let key = -1; key <= 31; key++) {
            expect(layered.has(key)).toBe(copied.has(key))
            expect(layered.get(key)).toBe(copied.get(key))
          }
        }
      })
    )
  })

  it("never changes the map it layers over", () => {
    const base = new Map([
      ["a", 1],
      ["b", 2]
    ])
    const first = LayeredMap.with(base, [["a", 10]])
    const second = LayeredMap.with(first, [["c", 3]])
    expect([...base]).toEqual([
      ["a", 1],
      ["b", 2]
    ])
    expect([...first]).toEqual([
      ["a", 10],
      ["b", 2]
    ])
    expect([...second]).toEqual([
      ["a", 10],
      ["b", 2],
      ["c", 3]
    ])
  })

  it("keeps an undefined value set as a change", () => {
    const base = new Map<string, number | undefined>([["a", 1]])
    const changed = LayeredMap.with(base, [["a", undefined]])
    expect(changed.has("a")).toBe(true)
    expect(changed.get("a")).toBeUndefined()
  })
})
