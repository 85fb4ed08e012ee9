/**
 * Builds a trace from a data set's readings as they stream by: keeps the sampled VMs only, the
 * readings inside the window only, and averages them over each scheduling interval. What it holds
 * grows with the VMs kept and the intervals they live, never with the input's size.
 *
 * Resampling: interval k covers [start + k·I, start + (k+1)·I); its value is the mean of the
 * readings whose time falls in it. An interval of a VM's life with no reading holds the previous
 * interval's value (before the first reading: the first reading's), as monitoring gaps are short.
 */
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"
import { DEFAULT_READ_INTERVAL_SEC } from "./readOptions.js"
import { BottomK, ownString } from "./vmSample.js"

/** Typed arrays above this many elements are refused up front rather than failing deep in V8. */
const MAX_VALUES = 2 ** 32 - 1

/** One VM's readings, summed per interval from bucket `base` on. */
export class VmSeries {
  sums: Float64Array
  counts: Uint32Array
  base = 0
  /** First and last interval with a reading (relative to the builder's origin). */
  first = Number.POSITIVE_INFINITY
  last = Number.NEGATIVE_INFINITY
  /** Readings are divided by this (a format whose readings are not yet fractions sets it). */
  scale = 1
  /** CPU capacity (MIPS) and memory (MB) when the data set gives them; NaN otherwise. */
  mips = Number.NaN
  ramMb = Number.NaN
  /** Creation and deletion, in the data set's seconds, when it records them. */
  createdSec = Number.NaN
  deletedSec = Number.NaN
  constructor(
    readonly id: string,
    capacity: number
  ) {
    this.sums = new Float64Array(capacity)
    this.counts = new Uint32Array(capacity)
  }
}

export interface TraceBuilderSettings {
  /** Names the input in errors (a file or directory). */
  readonly source: string
  /** Seconds a sample averages; 300 (the data sets' own period) when undefined. */
  readonly intervalSec?: number | undefined
  /** The window in the data set's seconds: [from, to). */
  readonly from?: number | undefined
  readonly to?: number | undefined
  /** Keep this many VMs (all when undefined), by the seeded hash of their ids. */
  readonly vms?: number | undefined
  readonly seed?: number | undefined
}

export class TraceBuilder {
  private readonly series = new Map<string, VmSeries>()
  private readonly sample: BottomK | undefined
  private readonly origin: number
  private readonly interval: number
  private readonly from: number
  private readonly to: number
  private last: VmSeries | undefined
  /** The window's last interval + 1 (infinite without --to). */
  private readonly endBucket: number
  /** Readings kept (in the window, of a sampled VM). */
  readings = 0

  constructor(private readonly settings: TraceBuilderSettings) {
    this.interval = settings.intervalSec ?? DEFAULT_READ_INTERVAL_SEC
    this.origin = settings.from ?? 0
    this.from = settings.from ?? Number.NEGATIVE_INFINITY
    this.to = settings.to ?? Number.POSITIVE_INFINITY
    this.endBucket =
      settings.to === undefined ? Number.POSITIVE_INFINITY : Math.ceil((settings.to - this.origin) / this.interval)
    this.sample = settings.vms === undefined ? undefined : new BottomK(settings.vms, settings.seed ?? 0)
  }

  /** Whether a time (data set seconds) is inside the window. */
  inWindow(timeSec: number): boolean {
    return timeSec >= this.from && timeSec < this.to
  }

  /** The interval a time falls in, counted from the origin (`--from`, or the data set's time 0). */
  bucketOf(timeSec: number): number {
    return Math.floor((timeSec - this.origin) / this.interval)
  }

  /** VM `id`'s series, or undefined when the sample leaves it out. */
  vm(id: string): VmSeries | undefined {
    const last = this.last
    if (last !== undefined && last.id === id) return last
    let found = this.series.get(id)
    if (found === undefined) {
      if (this.sample !== undefined) {
        const verdict = this.sample.offer(id)
        if (!verdict.accepted) return undefined
        if (verdict.evicted !== undefined) this.series.delete(verdict.evicted)
      }
      // A copy of the id: a substring would keep the whole chunk of text it was cut from alive.
      const own = ownString(id)
      found = new VmSeries(own, 0)
      this.series.set(own, found)
    }
    this.last = found
    return found
  }

  /** A VM already kept, without offering it to the sample. */
  kept(id: string): VmSeries | undefined {
    return this.series.get(id)
  }

  get keptIds(): IterableIterator<string> {
    return this.series.keys()
  }

  /** Adds a reading (the caller checked `inWindow`). */
  add(vm: VmSeries, timeSec: number, value: number): void {
    const bucket = this.bucketOf(timeSec)
    if (vm.first === Number.POSITIVE_INFINITY) {
      vm.base = bucket
      // With --to the window's size is known: room up to its end at once, no regrowth.
      const room = Number.isFinite(this.endBucket) ? Math.max(1, this.endBucket - bucket) : 16
      if (vm.sums.length < room) {
        vm.sums = new Float64Array(room)
        vm.counts = new Uint32Array(room)
      }
    }
    let index = bucket - vm.base
    if (index < 0) {
      // An earlier reading than any before (files out of time order): make room at the front.
      const shift = Math.max(-index, vm.sums.length)
      const sums = new Float64Array(vm.sums.length + shift)
      const counts = new Uint32Array(vm.sums.length + shift)
      sums.set(vm.sums, shift)
      counts.set(vm.counts, shift)
      vm.sums = sums
      vm.counts = counts
      vm.base -= shift
      index += shift
    } else if (index >= vm.sums.length) {
      // Doubling, but never past the window's end when --to is known (a day of 288 stays 288).
      const length = Math.max(index + 1, Math.min(vm.sums.length * 2, this.endBucket - vm.base))
      const sums = new Float64Array(length)
      const counts = new Uint32Array(length)
      sums.set(vm.sums)
      counts.set(vm.counts)
      vm.sums = sums
      vm.counts = counts
    }
    vm.sums[index]! += value
    vm.counts[index]!++
    if (bucket < vm.first) vm.first = bucket
    if (bucket > vm.last) vm.last = bucket
    this.readings++
  }

  /**
   * The trace: VMs ordered by arrival then id; `vmMips`/`ramMb` when every VM has them; lifetimes
   * unless every VM spans the whole window.
   */
  finish(): Trace | InputError {
    const all = [...this.series.values()].filter((vm) => vm.first !== Number.POSITIVE_INFINITY)
    if (all.length === 0) {
      return new InputError({
        file: this.settings.source,
        message:
          this.settings.from !== undefined || this.settings.to !== undefined
            ? "no reading inside the time window (--from/--to)"
            : "no readings"
      })
    }
    const interval = this.interval
    let startBucket = 0
    if (this.settings.from === undefined) {
      startBucket = Number.POSITIVE_INFINITY
      for (const vm of all) startBucket = Math.min(startBucket, vm.first)
    }
    let endBucket = Number.NEGATIVE_INFINITY
    if (this.settings.to !== undefined) endBucket = Math.ceil((this.settings.to - this.origin) / interval)
    else for (const vm of all) endBucket = Math.max(endBucket, vm.last + 1)
    const samples = endBucket - startBucket
    if (all.length * samples > MAX_VALUES) {
      return new InputError({
        file: this.settings.source,
        message: `${all.length} VMs x ${samples} samples exceed one typed array (${MAX_VALUES} values); narrow --vms or --from/--to`
      })
    }

    const arrival = new Int32Array(all.length)
    const departure = new Int32Array(all.length)
    const entries = all.map((vm) => {
      let from = vm.first
      let to = vm.last + 1
      // A recorded creation or deletion widens the life beyond the readings (never narrows it).
      if (!Number.isNaN(vm.createdSec)) from = Math.min(from, this.bucketOf(vm.createdSec))
      if (!Number.isNaN(vm.deletedSec)) to = Math.max(to, Math.ceil((vm.deletedSec - this.origin) / interval))
      return {
        vm,
        arrival: Math.max(0, from - startBucket),
        departure: Math.min(samples, to - startBucket)
      }
    })
    entries.sort((a, b) => a.arrival - b.arrival || (a.vm.id < b.vm.id ? -1 : a.vm.id > b.vm.id ? 1 : 0))

    const cpu = new Float64Array(all.length * samples)
    const hasMips = all.every((vm) => !Number.isNaN(vm.mips))
    const hasRam = all.every((vm) => !Number.isNaN(vm.ramMb))
    const vmMips = hasMips ? new Float64Array(all.length) : undefined
    const ramMb = hasRam ? new Float64Array(all.length) : undefined
    const names = new Array<string>(all.length)
    let wholeRun = true
    entries.forEach((entry, v) => {
      const { vm } = entry
      names[v] = vm.id
      arrival[v] = entry.arrival
      departure[v] = entry.departure
      if (entry.arrival !== 0 || entry.departure !== samples) wholeRun = false
      if (vmMips !== undefined) vmMips[v] = vm.mips
      if (ramMb !== undefined) ramMb[v] = vm.ramMb
      const firstIndex = vm.first - vm.base
      let hold = vm.sums[firstIndex]! / vm.counts[firstIndex]! / vm.scale
      const offset = v * samples
      for (let k = entry.arrival; k < entry.departure; k++) {
        const index = k + startBucket - vm.base
        const count = index >= 0 && index < vm.counts.length ? vm.counts[index]! : 0
        if (count > 0) hold = vm.sums[index]! / count / vm.scale
        cpu[offset + k] = Math.min(Math.max(hold, 0), 1)
      }
      // Let the collector take the readings as the trace fills.
      vm.sums = new Float64Array(0)
      vm.counts = new Uint32Array(0)
    })
    this.series.clear()
    this.last = undefined
    return {
      names,
      intervalSec: interval,
      samples,
      cpu,
      ...(ramMb === undefined ? {} : { ramMb }),
      ...(vmMips === undefined ? {} : { vmMips }),
      ...(wholeRun ? {} : { lifetimes: { arrival, departure } })
    }
  }
}

/** An error at a field of a line: `field` reads "column N (name)". */
export const fieldError = (file: string, line: number, column: number, name: string, message: string): InputError =>
  new InputError({ file, line, field: `column ${column} (${name})`, message })

/** A number from a field, or NaN when it is not one (empty counts as not one). */
export const numberOf = (text: string | undefined): number => {
  if (text === undefined) return Number.NaN
  const trimmed =
    text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text
  return trimmed === "" ? Number.NaN : Number(trimmed)
}
