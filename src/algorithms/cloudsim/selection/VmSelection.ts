/**
 * CloudSim's VM selection policies. Each picks one VM out of a host's candidates (its VMs not in
 * migration, in host-list order) and returns the candidate's position, or -1 when there is none.
 */
import { type MostCorrelatedWorkspace, makeMostCorrelatedWorkspace, mostCorrelated } from "../stats/mostCorrelated.js"
import type { Prng } from "./Prng.js"

/** What selection reads about the candidates (a class: see `SimState` on why not an object literal). */
export class SelectionInput {
  /** Candidate VM ids, `vms[0..count)`. */
  readonly vms: Int32Array
  count: number
  /** Per VM id: configured memory (MB), capacity (MHz), current demand (MHz). */
  readonly ramMb: Float64Array
  readonly mips: Float64Array
  readonly demandMips: Float64Array
  /** History matrix for MC, row-major: candidate i's j-th newest value at `history[i * historyLength + j]`. */
  readonly history: Float64Array
  historyLength = 0
  /** The host the candidates are on (for selections that keep a state per host). */
  host = -1

  constructor(
    vms: Int32Array,
    ramMb: Float64Array,
    mips: Float64Array,
    demandMips: Float64Array,
    history: Float64Array
  ) {
    this.vms = vms
    this.count = 0
    this.ramMb = ramMb
    this.mips = mips
    this.demandMips = demandMips
    this.history = history
  }
}

export interface VmSelection {
  readonly name: string
  /** Whether `history` must be filled before `select`. */
  readonly needsHistory: boolean
  select(input: SelectionInput): number
  /** Called at the start of every decision round. */
  beginRound?(): void
}

/** MMT: the smallest configured memory (shortest migration); the first of equals. */
export const minimumMigrationTime: VmSelection = {
  name: "mmt",
  needsHistory: false,
  select: (input) => {
    let best = -1
    let min = Number.MAX_VALUE
    for (let i = 0; i < input.count; i++) {
      const ram = input.ramMb[input.vms[i]!]!
      if (ram < min) {
        min = ram
        best = i
      }
    }
    return best
  }
}

/** MU: the smallest current utilisation (demand / capacity); the first of equals. */
export const minimumUtilization: VmSelection = {
  name: "mu",
  needsHistory: false,
  select: (input) => {
    let best = -1
    let min = Number.MAX_VALUE
    for (let i = 0; i < input.count; i++) {
      const v = input.vms[i]!
      const metric = input.demandMips[v]! / input.mips[v]!
      if (metric < min) {
        min = metric
        best = i
      }
    }
    return best
  }
}

/** RS: a uniformly random candidate, from a seeded generator (CloudSim's is unseeded). */
class RandomSelection implements VmSelection {
  readonly name = "rs"
  readonly needsHistory = false
  constructor(private readonly prng: Prng) {}
  select(input: SelectionInput): number {
    return input.count === 0 ? -1 : this.prng.nextInt(input.count)
  }
}

export const randomSelection = (prng: Prng): VmSelection => new RandomSelection(prng)

/**
 * MC: the VM whose history is best explained (largest R² of an OLS fit with intercept) by the
 * other candidates' histories. Falls back to MMT when the regression cannot run: one candidate,
 * fewer history values than candidates, or a singular design.
 */
class MaximumCorrelation implements VmSelection {
  readonly name = "mc"
  readonly needsHistory = true
  private readonly workspace: MostCorrelatedWorkspace
  constructor(
    private readonly maxCandidates: number,
    maxHistory: number
  ) {
    this.workspace = makeMostCorrelatedWorkspace(maxCandidates, maxHistory)
  }
  select(input: SelectionInput): number {
    const n = input.count
    if (n === 0) return -1
    const m = input.historyLength
    if (n === 1 || n > m || n > this.maxCandidates) return minimumMigrationTime.select(input)
    const chosen = mostCorrelated(input.history, n, m, this.workspace)
    return typeof chosen === "string" ? minimumMigrationTime.select(input) : chosen
  }
}

export const maximumCorrelation = (maxCandidates = 64, maxHistory = 30): VmSelection =>
  new MaximumCorrelation(maxCandidates, maxHistory)
