/**
 * A data-collector source that replays utilisation series instead of reading a hypervisor: it
 * answers the collector's `Libvirt` and `ProcStat` questions for a host whose domains exist
 * elsewhere (fake-driver Nova hosts, demos, tests). Each VM replays its series (fractions 0-1 of its
 * vCPUs, one value per `sampleSec`, looping), and its cumulative CPU time grows accordingly, so the
 * unchanged collector turns it into MHz exactly as it does for libvirt's counters. The host's
 * /proc/stat counters grow by its VMs' use plus its own share. Series can be changed while it runs.
 */
import { Clock, Effect, Layer, Ref } from "effect"
import type { Trace } from "../../adapters/sim/Trace.js"
import { Libvirt, type LibvirtService } from "./Libvirt.js"
import type { LibvirtError } from "./LibvirtError.js"
import { ProcStat, type ProcStatService } from "./ProcStat.js"
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
  /** The series of a VM that has none set, fractions 0-1 of its vCPUs. */
  readonly defaultSeries: ReadonlyArray<number>
}

export interface UsageReplay {
  readonly libvirt: LibvirtService
  readonly procStat: ProcStatService
  /** Replays `series` for the VM from now on (looping). */
  readonly setSeries: (uuid: string, series: ReadonlyArray<number>) => Effect.Effect<void>
}

interface Playing {
  readonly series: ReadonlyArray<number>
  readonly startMs: number
}

/** The USER_HZ of /proc/stat's counters. */
const ticksPerSecond = 100

/** The series of VM `index` of a trace (fractions of the VM's capacity), e.g. a PlanetLab day. */
export const seriesOfTrace = (trace: Trace, index: number): ReadonlyArray<number> =>
  Array.from(trace.cpu.subarray(index * trace.samples, (index + 1) * trace.samples))

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0)

export const makeUsageReplay = (options: UsageReplayOptions): Effect.Effect<UsageReplay> =>
  Effect.gen(function* () {
    if (options.defaultSeries.length === 0) return yield* Effect.dieMessage("UsageReplay: defaultSeries is empty")
    const playing = yield* Ref.make(new Map<string, Playing>())
    const cpuNs = new Map<string, { ns: number; atMs: number }>()
    const host = { total: 0, busy: 0, atMs: -1 }

    const utilisationAt = (uuid: string, nowMs: number, all: ReadonlyMap<string, Playing>): number => {
      const entry = all.get(uuid)
      const series = entry?.series ?? options.defaultSeries
      const elapsed = entry === undefined ? nowMs / 1000 : (nowMs - entry.startMs) / 1000
      const k = Math.floor(Math.max(0, elapsed) / options.sampleSec) % series.length
      return clamp01(series[k] ?? 0)
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
            const last = cpuNs.get(domain.uuid)
            const vcpus = vcpusOf.get(domain.uuid) ?? 1
            const ns =
              last === undefined
                ? 0
                : last.ns + utilisationAt(domain.uuid, nowMs, all) * vcpus * (nowMs - last.atMs) * 1e6
            cpuNs.set(domain.uuid, { ns, atMs: nowMs })
            result.set(domain.uuid, Math.round(ns))
          }
          return result
        })
    }

    const procStat: ProcStatService = {
      read: Effect.gen(function* () {
        const nowMs = yield* Clock.currentTimeMillis
        const domains = yield* Effect.orElseSucceed(options.domains, () => [])
        const all = yield* Ref.get(playing)
        if (host.atMs >= 0) {
          const seconds = (nowMs - host.atMs) / 1000
          const capacity = options.node.cpus * seconds * ticksPerSecond
          const vmCores = domains.reduce((sum, d) => sum + utilisationAt(d.uuid, nowMs, all) * d.vcpus, 0)
          const busy = (vmCores + options.hostOwnFraction * options.node.cpus) * seconds * ticksPerSecond
          host.total += capacity
          host.busy += Math.min(capacity, busy)
        }
        host.atMs = nowMs
        return { total: Math.round(host.total), busy: Math.round(host.busy) }
      })
    }

    return {
      libvirt,
      procStat,
      setSeries: (uuid, series) =>
        Effect.flatMap(Clock.currentTimeMillis, (startMs) =>
          Ref.update(playing, (map) =>
            new Map(map).set(uuid, { series: series.length > 0 ? series : options.defaultSeries, startMs })
          )
        )
    }
  })

/** The collector's `Libvirt` and `ProcStat` from a replay. */
export const usageReplayLayer = (replay: UsageReplay): Layer.Layer<Libvirt | ProcStat> =>
  Layer.merge(Layer.succeed(Libvirt, replay.libvirt), Layer.succeed(ProcStat, replay.procStat))
