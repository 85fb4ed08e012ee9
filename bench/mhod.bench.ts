/**
 * MHOD and OTF decision cost. Run: `npx tsx bench/mhod.bench.ts`. Each iteration is one decision
 * over a 100-sample window (fractions of capacity), cycling through windows of a synthetic host
 * whose utilisation wanders around the 0.8 state threshold, state carried between decisions.
 * Time-boxed: about 0.5 s per task.
 */
import { Bench } from "tinybench"
import { type MhodParams, mhod } from "../src/algorithms/overload/mhod/index.js"
import { otf } from "../src/algorithms/overload/otf.js"
import type { Detector } from "../src/algorithms/types.js"

const WINDOW = 100
const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

/** A deterministic bounded random walk (utilisation fractions), seeded. */
const wanderingHost = (length: number, seed: number, centre: number): Array<number> => {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const values: Array<number> = []
  let level = centre
  for (let k = 0; k < length; k++) {
    level = Math.min(1.2, Math.max(0, level + (next() - 0.5) * 0.12 + (centre - level) * 0.05))
    values.push(level)
  }
  return values
}

const windowsOf = (sequence: ReadonlyArray<number>): Array<ReadonlyArray<number>> => {
  const windows: Array<ReadonlyArray<number>> = []
  for (let end = WINDOW; end <= sequence.length; end++) windows.push(sequence.slice(end - WINDOW, end))
  return windows
}

/** One decision per call, cycling through the windows and carrying the state. */
const decider = <S>(detector: Detector<S>, windows: ReadonlyArray<ReadonlyArray<number>>) => {
  let state = detector.initialState
  let index = 0
  let overloads = 0
  return {
    step: () => {
      const [overloaded, next] = detector.decide(windows[index]!, state)
      if (overloaded) overloads++
      state = next
      index = (index + 1) % windows.length
    },
    overloads: () => overloads
  }
}

const neatDefaults: MhodParams = {
  state_config: [0.8],
  otf: 0.2,
  history_size: 500,
  window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
  bruteforce_step: 0.5,
  learning_steps: 10
}

const around = windowsOf(wanderingHost(2100, 42, 0.8))
const overloadedOnly = around.filter((window) => window[window.length - 1]! >= 0.8)

const cases = {
  "mhod, 100-sample window, step 0.5": decider(mhod(neatDefaults, ctx), around),
  "mhod, 100-sample window, step 0.5, overloaded now (solver runs)": decider(mhod(neatDefaults, ctx), overloadedOnly),
  "mhod, 100-sample window, step 0.1, overloaded now (solver runs)": decider(
    mhod({ ...neatDefaults, bruteforce_step: 0.1 }, ctx),
    overloadedOnly
  ),
  "otf, 100-sample window": decider(otf({ otf: 0.2, threshold: 0.9, limit: 10 }, ctx), around)
}

const bench = new Bench({ time: 500, warmupTime: 100 })
for (const [name, { step }] of Object.entries(cases)) bench.add(name, step)
await bench.run()
console.table(bench.table())
for (const [name, { overloads }] of Object.entries(cases)) console.log(`${name}: ${overloads()} overload decisions`)
