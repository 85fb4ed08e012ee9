/**
 * How CloudSim's best-fit scores tie within one tenth of a power curve, for an exact index of the
 * `cloudsim` policy's search (docs/performance.md, "The `cloudsim` policy's search, host by
 * host"). For hosts whose allocated and stale MHz are equal and whose VM stays in the tenth, the
 * real score is the same for all (δ · slope); the computed one, P(u₁) − P(u₀) with both powers on
 * their binade's grid, takes two or three values. Per class it prints how many distinct scores the
 * hosts get, what share of them hold the least, and whether a bound from the real score less the
 * rounding of the two utilisations, snapped down to the grid, is sound (never above the least) and
 * attained (by what share): a host-order scan of the class can stop at the first host that attains it.
 * Run: npx tsx bench/bestFitTies.ts
 */
import { hpProLiantMl110G4, hpProLiantMl110G5, powerCurve, powerOnCurve } from "../src/adapters/sim/PowerModel.js"

const classes = [
  { name: "G4", table: hpProLiantMl110G4, totalMips: 3720, tenth: 6 },
  { name: "G4", table: hpProLiantMl110G4, totalMips: 3720, tenth: 8 },
  { name: "G5", table: hpProLiantMl110G5, totalMips: 5320, tenth: 9 },
  { name: "G5", table: hpProLiantMl110G5, totalMips: 5320, tenth: 0 }
]
const trials = 200
const hostsPerTrial = 2000

// A fixed linear congruential sequence, so that every run prints the same.
let seed = 7
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

for (const c of classes) {
  const curve = powerCurve(c.table)
  const slope = (c.table[c.tenth + 1]! - c.table[c.tenth]!) / 10
  const top = ((c.tenth + 1) / 10) * c.totalMips
  // The grid of the powers' binade, and the rounding of u₀ and u₁ carried through the slope.
  const grid = 2 ** (Math.floor(Math.log2(c.table[c.tenth + 1]!)) - 52)
  const allowance = slope * 100 * 2 ** -52 * 1.5 + grid / 16
  let unsound = 0
  let distinct = 0
  let leastShare = 0
  let boundShare = 0
  let done = 0
  for (let t = 0; t < trials; t++) {
    const demand = 50 + random() * 300
    const low = (c.tenth / 10) * c.totalMips
    const high = top - demand
    if (high <= low) continue
    const scores: Array<number> = []
    for (let i = 0; i < hostsPerTrial; i++) {
      const allocated = Math.round((low + random() * (high - low)) * 1000) / 1000 + 1e-3
      if (allocated + demand >= top) continue
      const stale = powerOnCurve(curve, allocated / c.totalMips)
      scores.push(powerOnCurve(curve, (allocated + demand) / c.totalMips) - stale)
    }
    const real = (slope * 100 * demand) / c.totalMips
    const bound = Math.floor((real - allowance) / grid - 1e-9) * grid
    const least = Math.min(...scores)
    if (least < bound) unsound++
    distinct += new Set(scores).size
    leastShare += scores.filter((s) => s === least).length / scores.length
    boundShare += scores.filter((s) => s === bound).length / scores.length
    done++
  }
  const percent = (x: number): string => `${((x / done) * 100).toFixed(1)} %`
  console.log(
    `${c.name}, tenth ${c.tenth}: ${done} VM sizes × ${hostsPerTrial} hosts; ` +
      `${(distinct / done).toFixed(1)} distinct scores per class, the least held by ${percent(leastShare)}; ` +
      `the bound attained by ${percent(boundShare)}, above the least in ${unsound} of ${done}`
  )
}
