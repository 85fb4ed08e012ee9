/**
 * The data collector's replay source as neat.conf configures it (`collector_source = replay`): the
 * host's name, size and running domains come from libvirt as usual, and each domain's CPU use
 * replays a series of `replay_trace` (chosen by its UUID, so a VM keeps its series across restarts
 * of the collector) through `UsageReplay`, anchored at the Unix epoch. For demos and for hosts
 * whose VMs do no real work.
 */
import { Effect, Layer } from "effect"
import type { Trace } from "../../adapters/sim/Trace.js"
import { Libvirt, type LibvirtService } from "./Libvirt.js"
import type { LibvirtError } from "./LibvirtError.js"
import type { ProcStat } from "./ProcStat.js"
import { makeUsageReplay, seriesOfTrace, usageReplayLayer } from "./UsageReplay.js"

export interface ReplaySourceOptions {
  readonly trace: Trace
  /** Seconds each value of a series lasts. */
  readonly sampleSec: number
  /** The hypervisor's own use, fraction 0-1 of the host. */
  readonly hostOwnFraction: number
}

/** The trace VM whose series a VM replays: a stable hash (FNV-1a) of its UUID over the trace's VMs. */
export const seriesIndexOf = (uuid: string, vms: number): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < uuid.length; i++) {
    hash ^= uuid.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % vms
}

/**
 * `Libvirt` and `ProcStat` replaying `options.trace` for the domains `libvirt` lists. Each VM counts
 * as one vCPU (the domain list does not say more). Every series is anchored at the Unix epoch, so
 * the counters are functions of time and `neat collect --once` runs continue each other's.
 */
export const replaySource = (
  libvirt: LibvirtService,
  options: ReplaySourceOptions
): Effect.Effect<Layer.Layer<Libvirt | ProcStat>, LibvirtError> =>
  Effect.gen(function* () {
    const { trace } = options
    // Taken from the trace when a VM first needs it, then kept (the same array: compiled once).
    const series = new Map<number, ReadonlyArray<number>>()
    const seriesOf = (uuid: string): ReadonlyArray<number> => {
      const index = seriesIndexOf(uuid, trace.names.length)
      const known = series.get(index)
      if (known !== undefined) return known
      const taken = seriesOfTrace(trace, index)
      series.set(index, taken)
      return taken
    }
    const replay = yield* makeUsageReplay({
      hostname: yield* libvirt.hostname,
      node: yield* libvirt.nodeInfo,
      domains: Effect.map(libvirt.activeDomains, (list) =>
        list.map((domain) => ({ uuid: domain.uuid, name: domain.name, vcpus: 1 }))
      ),
      sampleSec: options.sampleSec,
      hostOwnFraction: options.hostOwnFraction,
      defaultSeries: seriesOf
    })
    return usageReplayLayer(replay)
  })

/** `replaySource` over the `Libvirt` in context. */
export const replaySourceLayer = (
  options: ReplaySourceOptions
): Layer.Layer<Libvirt | ProcStat, LibvirtError, Libvirt> =>
  Layer.unwrapEffect(Effect.flatMap(Libvirt, (libvirt) => replaySource(libvirt, options)))
