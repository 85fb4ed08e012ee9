/**
 * Converting cumulative CPU times into average MHz over a collection interval, as OpenStack Neat's
 * collector does (neat/locals/collector.py: calculate_cpu_mhz, get_cpu_mhz, get_host_cpu_mhz),
 * with its failure cases made explicit: counters that go backwards and empty intervals.
 */
import type { HostCpuTimes } from "./ProcStat.js"

/**
 * Average MHz of a VM: the share of one core it used (CPU ns over wall ns) times the core's clock,
 * truncated to an integer as Neat does. Times in seconds, CPU times in ns.
 */
export const calculateCpuMhz = (
  coreMhz: number,
  previousTimeSec: number,
  currentTimeSec: number,
  previousCpuTimeNs: number,
  currentCpuTimeNs: number
): number => Math.trunc((coreMhz * (currentCpuTimeNs - previousCpuTimeNs)) / ((currentTimeSec - previousTimeSec) * 1e9))

export interface VmCpuStep {
  /** CPU time per VM to remember for the next interval, ns. */
  readonly cpuTimeNs: Record<string, number>
  /** Average MHz per VM over the interval (VMs without a value are absent). */
  readonly cpuMhz: Record<string, number>
}

/**
 * One interval for the VMs on the host. VMs seen before get a value from their CPU-time delta; a VM
 * whose counter went backwards (restarted, or migrated in and back) keeps its previous value, as in
 * Neat; a VM that vanished mid-interval reads as 0 ns and so also keeps its previous value. New VMs
 * start their counter now and carry the last value of their history, if any.
 */
export const vmCpuStep = (input: {
  readonly coreMhz: number
  readonly previousTimeSec: number
  readonly currentTimeSec: number
  readonly previousCpuTimeNs: Readonly<Record<string, number>>
  readonly previousCpuMhz: Readonly<Record<string, number>>
  readonly currentVms: ReadonlyArray<string>
  readonly currentCpuTimeNs: ReadonlyMap<string, number>
  /** History fetched from the store for VMs that arrived in this interval, MHz, oldest first. */
  readonly addedVmData: Readonly<Record<string, ReadonlyArray<number>>>
}): VmCpuStep => {
  const cpuTimeNs: Record<string, number> = {}
  const cpuMhz: Record<string, number> = {}
  const elapsed = input.currentTimeSec - input.previousTimeSec
  for (const uuid of input.currentVms) {
    const previous = input.previousCpuTimeNs[uuid]
    const current = input.currentCpuTimeNs.get(uuid) ?? 0
    if (previous === undefined) {
      const history = input.addedVmData[uuid]
      const last = history?.[history.length - 1]
      if (last !== undefined) cpuMhz[uuid] = last
      cpuTimeNs[uuid] = current
      continue
    }
    if (current < previous || !(elapsed > 0)) {
      const kept = input.previousCpuMhz[uuid]
      if (kept !== undefined) cpuMhz[uuid] = kept
    } else {
      cpuMhz[uuid] = calculateCpuMhz(input.coreMhz, input.previousTimeSec, input.currentTimeSec, previous, current)
    }
    cpuTimeNs[uuid] = current
  }
  return { cpuTimeNs, cpuMhz }
}

/**
 * The host's average CPU use over an interval, MHz of its total capacity, from two /proc/stat
 * readings; undefined when the counters did not advance or went backwards (a reset: the reading
 * cannot be compared with the previous one).
 */
export const hostCpuMhz = (totalMhz: number, previous: HostCpuTimes, current: HostCpuTimes): number | undefined => {
  const total = current.total - previous.total
  const busy = current.busy - previous.busy
  if (!(total > 0) || busy < 0 || busy > total) return undefined
  return Math.trunc((totalMhz * busy) / total)
}

/** Neat's host overload test: the VMs together use more than `threshold` of the host's total MHz. */
export const isOverloaded = (threshold: number, hostTotalMhz: number, vmMhz: Iterable<number>): boolean => {
  let sum = 0
  for (const mhz of vmMhz) sum += mhz
  return threshold * hostTotalMhz < sum
}
