/**
 * Any catalogue `VmSelector` (Neat's, CloudSim's, a user's) inside CloudSim's selection loop,
 * which takes one VM at a time off an overloaded host and re-tests the host after each.
 *
 * What the selector sees: the host's VMs that are not migrating, in the host's list order, as
 * `VmSample`s: the VM's name in the trace, its configured memory, and its CPU history in MHz,
 * oldest first (its own utilisation history, at most 30 values, times its MHz), the newest value
 * its current demand. The list it returns is taken in order, one VM at a time, re-testing the
 * host after each removal; the rest of the list is dropped once the host is no longer overloaded,
 * and the selector is called again (on the VMs left) when the list runs out first. An empty list
 * ends the host's selection. One state per host, kept across rounds.
 */
import { ConfigError } from "../../../core/errors.js"
import type { VmSample } from "../../../core/Vm.js"
import type { VmSelector } from "../../types.js"
import type { SelectionInput, VmSelection } from "./VmSelection.js"

export class CatalogueSelection implements VmSelection {
  readonly needsHistory = true
  private readonly states: Array<unknown> = []
  /** Per host, what is left of the list its selector returned this round. */
  private readonly queued = new Map<number, Array<string>>()

  constructor(
    readonly name: string,
    private readonly selector: VmSelector,
    private readonly vmNames: ReadonlyArray<string>
  ) {}

  beginRound(): void {
    this.queued.clear()
  }

  select(input: SelectionInput): number {
    const host = input.host
    const queue = this.queued.get(host)
    while (queue !== undefined && queue.length > 0) {
      const at = this.candidateIndex(input, queue.shift()!)
      if (at >= 0) return at
    }
    if (input.count === 0) return -1
    const samples = this.samples(input)
    const known = host >= 0 && host < this.states.length && this.states[host] !== undefined
    let result: readonly [ReadonlyArray<string>, unknown]
    try {
      result = this.selector.select(samples, known ? this.states[host] : this.selector.initialState)
    } catch (error) {
      throw this.failure(`failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (!Array.isArray(result) || !Array.isArray(result[0])) {
      throw this.failure(`returned ${describe(result)}, expected [uuids, state]`)
    }
    if (host >= 0) this.states[host] = result[1]
    const chosen = result[0] as ReadonlyArray<unknown>
    for (const uuid of chosen) {
      if (typeof uuid !== "string" || this.candidateIndex(input, uuid) < 0) {
        throw this.failure(`returned ${describe(uuid)}, which is not one of the VMs it was given`)
      }
    }
    if (chosen.length === 0) return -1
    this.queued.set(host, (chosen as ReadonlyArray<string>).slice(1))
    return this.candidateIndex(input, chosen[0] as string)
  }

  private candidateIndex(input: SelectionInput, uuid: string): number {
    for (let i = 0; i < input.count; i++) if (this.vmNames[input.vms[i]!] === uuid) return i
    return -1
  }

  private samples(input: SelectionInput): ReadonlyArray<VmSample> {
    const m = input.historyLength
    const samples: Array<VmSample> = []
    for (let i = 0; i < input.count; i++) {
      const v = input.vms[i]!
      const mips = input.mips[v]!
      const cpuMhz = new Array<number>(Math.max(m, 1))
      const row = i * m
      for (let j = 1; j < m; j++) cpuMhz[m - 1 - j] = input.history[row + j]! * mips
      cpuMhz[cpuMhz.length - 1] = input.demandMips[v]!
      samples.push({ uuid: this.vmNames[v]!, cpuMhz, ramMb: input.ramMb[v]! })
    }
    return samples
  }

  private failure(problem: string): ConfigError {
    return new ConfigError({ field: "selection", message: `selection "${this.name}" ${problem}` })
  }
}

const describe = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
