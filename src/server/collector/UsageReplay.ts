/**
 * A data-collector source that replays utilisation series instead of reading a hypervisor: it
 * answers the collector's `Libvirt` and `ProcStat` questions for a host whose domains exist
 * elsewhere (fake-driver Nova hosts, demos, tests). Each VM replays a series (fractions 0-1 of its
 * vCPUs, one value per `sampleSec`, looping), and its cumulative CPU time is the integral of that
 * series, so the unchanged collector turns it into MHz exactly as it does for libvirt's counters.
 *
 * The counters are functions of time, not of what this process has seen: a VM's default series is
 * anchored at the Unix epoch (its value at t is series[floor(t / sampleSec) mod length]) and its CPU
 * time at t is vcpus × the series' integral over [0, t], in whole ns (wrapping at 2^53). Two
 * processes (two `neat collect --once` runs) therefore read counters that continue each other.
 * The host's /proc/stat counters are `total` = cpus × t × USER_HZ and `busy` = the integral over
 * [0, t] of its current VMs' use plus its own share, capped by `total`: a VM arriving or leaving
 * moves `busy` by its whole history, which the collector treats as a counter reset (no host value
 * for that interval), as for a real one.
 *
 * A series set at runtime (`setSeries`) starts at that moment and continues the VM's counter from
 * its value then, so the counter never goes backwards while the VM runs.
 */
import { Clock, Effect, Layer, Ref } from "effect"
import type { Trace } from "../../adapters/sim/Trace.js"
import { Libvirt, type LibvirtService } from "./Libvirt.js"
import type { LibvirtError } from "./LibvirtError.js"
import { ProcStat, type ProcStatService } from "./ProcStat.js"
import { makeReplaySeries, type ReplaySeries, usedNsAt as seriesUsedNsAt } from "./ReplaySeries.js"
import type { NodeInfo } from "./virshOutput.js"

/** A running VM of the replayed host. */
export interface ReplayDomain {
  readonly uuid: string
  readonly name: string
  readonly vcpus: number
}

export interface UsageReplayOptions {
  readonly hostname: string
  /** The host's size, as `virsh nodeinfo` would report it. */
  readonly node: NodeInfo
  /** The VMs running on the host now (for OpenStack's fake hosts: Nova's servers on the host). */
  readonly domains: Effect.Effect<ReadonlyArray<ReplayDomain>, LibvirtError>
  /** Seconds each value of a series lasts. */
  readonly sampleSec: number
  /** The hypervisor's own use, fraction 0-1 of the host. */
  readonly hostOwnFraction: number
  /**
   * The series of a VM that has none set, fractions 0-1 of its vCPUs, anchored at the Unix epoch:
   * one for every VM, or chosen per VM (it must depend on the UUID alone, so that every process
   * replays the same series for a VM).
   */
  readonly defaultSeries: ReadonlyArray<number> | ((uuid: string) => ReadonlyArray<number>)
}

export interface UsageReplay {
  readonly libvirt: LibvirtService
  readonly procStat: ProcStatService
  /**
   * Replays `series` for the VM from now on (looping), its CPU time continuing from its value now.
   * An empty series replays the VM's default one.
   */
  readonly setSeries: (uuid: string, series: ReadonlyArray<number>) => Effect.Effect<void>
}

/** A series set at runtime: it starts at `startMs`, when the VM had used `usedNsBefore` ns of one vCPU. */
interface Playing {
  readonly series: ReplaySeries
  readonly startMs: number
  readonly usedNsBefore: bigint
}

/** The USER_HZ of /proc/stat's counters. */
const ticksPerSecond = 100

/**
 * CPU-time counters wrap at 2^53 ns (about 104 days of one busy vCPU), the largest count a number
 * holds exactly: past it the collector's MHz would come out a few millionths low, which its
 * truncation to whole MHz turns into 1 MHz less in about one interval in five. The collector reads
 * a wrap as a counter reset (the VM keeps its previous value for that interval), as a real one.
 */
const counterWrap = 2n ** 53n

/** The series of VM `index` of a trace (fractions of the VM's capacity), e.g. a PlanetLab day. */
export const seriesOfTrace = (trace: Trace, index: number): ReadonlyArray<number> =>
  Array.from(trace.cpu.subarray(index * trace.samples, (index + 1) * trace.samples))

export const makeUsageReplay = (options: UsageReplayOptions): Effect.Effect<UsageReplay> =>
  Effect.gen(function* () {
    const sampleMs = options.sampleSec * 1000
    if (!Number.isInteger(sampleMs) || sampleMs <= 0) {
      return yield* Effect.dieMessage(
        `UsageReplay: sampleSec must be a positive whole number of ms (got ${options.sampleSec} s)`
      )
    }
    const { defaultSeries } = options
    if (typeof defaultSeries !== "function" && defaultSeries.length === 0) {
      return yield* Effect.dieMessage("UsageReplay: defaultSeries is empty")
    }
    // Compiled once per distinct series (a trace's series are shared by identity).
    const compiled = new WeakMap<ReadonlyArray<number>, ReplaySeries>()
    const compile = (values: ReadonlyArray<number>): ReplaySeries => {
      const known = compiled.get(values)
      if (known !== undefined) return known
      const series = makeReplaySeries(values, sampleMs)
      compiled.set(values, series)
      return series
    }
    const defaultOf = (uuid: string): ReplaySeries =>
      compile(typeof defaultSeries === "function" ? defaultSeries(uuid) : defaultSeries)
    const playing = yield* Ref.make(new Map<string, Playing>())

    /** ns of one vCPU used by the VM from the epoch to `nowMs`. */
    const usedNsAt = (uuid: string, nowMs: number, all: ReadonlyMap<string, Playing>): bigint => {
      const entry = all.get(uuid)
      return entry === undefined
        ? seriesUsedNsAt(defaultOf(uuid), nowMs)
        : entry.usedNsBefore + seriesUsedNsAt(entry.series, nowMs - entry.startMs)
    }

    const vcpusOf = new Map<string, number>()

    const libvirt: LibvirtService = {
      hostname: Effect.succeed(options.hostname),
      nodeInfo: Effect.succeed(options.node),
      activeDomains: Effect.map(options.domains, (domains) =>
        domains.map((d) => {
          vcpusOf.set(d.uuid, d.vcpus)
          return { uuid: d.uuid, name: d.name, running: true }
        })
      ),
      cpuTimes: (domains) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const all = yield* Ref.get(playing)
          const result = new Map<string, number>()
          for (const domain of domains) {
            const vcpus = BigInt(vcpusOf.get(domain.uuid) ?? 1)
            result.set(domain.uuid, Number((vcpus * usedNsAt(domain.uuid, nowMs, all)) % counterWrap))
          }
          return result
        })
    }

    const procStat: ProcStatService = {
      read: Effect.gen(function* () {
        const nowMs = yield* Clock.currentTimeMillis
        const domains = yield* Effect.orElseSucceed(options.domains, () => [])
        const all = yield* Ref.get(playing)
        const nowSec = nowMs / 1000
        const total = options.node.cpus * nowSec * ticksPerSecond
        const vmSec = domains.reduce((sum, d) => sum + (d.vcpus * Number(usedNsAt(d.uuid, nowMs, all))) / 1e9, 0)
        const busy = (vmSec + options.hostOwnFraction * options.node.cpus * nowSec) * ticksPerSecond
        return { total: Math.round(total), busy: Math.round(Math.min(total, busy)) }
      })
    }

    return {
      libvirt,
      procStat,
      setSeries: (uuid, series) =>
        Effect.flatMap(Clock.currentTimeMillis, (startMs) =>
          Ref.update(playing, (all) => {
            const replayed = series.length > 0 ? compile(series) : defaultOf(uuid)
            return new Map(all).set(uuid, { series: replayed, startMs, usedNsBefore: usedNsAt(uuid, startMs, all) })
          })
        )
    }
  })

/** The collector's `Libvirt` and `ProcStat` from a replay. */
export const usageReplayLayer = (replay: UsageReplay): Layer.Layer<Libvirt | ProcStat> =>
  Layer.merge(Layer.succeed(Libvirt, replay.libvirt), Layer.succeed(ProcStat, replay.procStat))
