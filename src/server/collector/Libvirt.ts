/**
 * What the data collector asks libvirt: the host's name and size, the active domains and their
 * cumulative CPU time. `Libvirt.virsh` reads it through the `virsh` program (any libvirt URI:
 * qemu:///system on a compute host, test:///default or test:///path/node.xml in tests).
 */
import { execFile } from "node:child_process"
import { Context, Effect, Either, Layer } from "effect"
import { LibvirtError } from "./LibvirtError.js"
import {
  type DomainEntry,
  type NodeInfo,
  parseCpuStatsTotal,
  parseDomainList,
  parseDominfoCpuTime,
  parseDomstatsCpuTime,
  parseNodeInfo
} from "./virshOutput.js"

/** An active domain (running, paused, migrating in...). */
export interface Domain extends DomainEntry {
  /** Whether libvirt reports it running (Neat's VIR_DOMAIN_RUNNING). */
  readonly running: boolean
}

export interface LibvirtService {
  readonly hostname: Effect.Effect<string, LibvirtError>
  readonly nodeInfo: Effect.Effect<NodeInfo, LibvirtError>
  readonly activeDomains: Effect.Effect<ReadonlyArray<Domain>, LibvirtError>
  /** Cumulative CPU time per domain UUID, ns; a domain that vanished meanwhile is left out. */
  readonly cpuTimes: (domains: ReadonlyArray<DomainEntry>) => Effect.Effect<ReadonlyMap<string, number>, LibvirtError>
}

export interface VirshOptions {
  /** libvirt connection URI, e.g. qemu:///system. */
  readonly uri: string
  /** The virsh program. */
  readonly command?: string | undefined
  /** Per-command limit, ms. */
  readonly timeoutMs?: number | undefined
}

export class Libvirt extends Context.Tag("neat/Libvirt")<Libvirt, LibvirtService>() {
  /** Libvirt through virsh. */
  static readonly virsh = (options: VirshOptions): Layer.Layer<Libvirt> => Layer.succeed(Libvirt, makeVirsh(options))
}

const makeVirsh = (options: VirshOptions): LibvirtService => {
  const program = options.command ?? "virsh"
  const run = (...args: ReadonlyArray<string>): Effect.Effect<string, LibvirtError> => {
    const command = [program, "-c", options.uri, ...args].join(" ")
    return Effect.async<string, LibvirtError>((resume) => {
      const child = execFile(
        program,
        ["-c", options.uri, ...args],
        // virsh's labels are parsed: keep them in English.
        { timeout: options.timeoutMs ?? 30_000, env: { ...process.env, LC_ALL: "C" }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error === null) return resume(Effect.succeed(stdout))
          const detail = stderr.trim().split("\n").filter(Boolean).join("; ") || error.message
          resume(Effect.fail(new LibvirtError({ command, message: `${command}: ${detail}`, cause: error })))
        }
      )
      return Effect.sync(() => child.kill())
    })
  }
  const parsed = <A>(command: string, result: Either.Either<A, string>): Effect.Effect<A, LibvirtError> =>
    Either.match(result, {
      onLeft: (message) => Effect.fail(new LibvirtError({ command, message })),
      onRight: Effect.succeed
    })

  const listDomains = (...flags: ReadonlyArray<string>) =>
    Effect.flatMap(run("list", "--uuid", "--name", ...flags), (out) => parsed("virsh list", parseDomainList(out)))

  /** One domain's CPU time: dominfo first (cheap, always there), cpu-stats --total otherwise. */
  const oneCpuTime = (uuid: string): Effect.Effect<number | undefined> =>
    run("dominfo", uuid).pipe(
      Effect.flatMap((out) =>
        Either.match(parseDominfoCpuTime(out), {
          onRight: (ns) => Effect.succeed<number | undefined>(ns),
          onLeft: () =>
            Effect.map(run("cpu-stats", uuid, "--total"), (stats) => Either.getOrUndefined(parseCpuStatsTotal(stats)))
        })
      ),
      // Neat treats a domain it cannot look up as gone.
      Effect.orElseSucceed(() => undefined)
    )

  return {
    hostname: Effect.map(run("hostname"), (out) => out.trim()),
    nodeInfo: Effect.flatMap(run("nodeinfo"), (out) => parsed("virsh nodeinfo", parseNodeInfo(out))),
    activeDomains: Effect.gen(function* () {
      const active = yield* listDomains()
      const running = new Set((yield* listDomains("--state-running")).map((d) => d.uuid))
      return active.map((domain) => ({ ...domain, running: running.has(domain.uuid) }))
    }),
    cpuTimes: (domains) =>
      Effect.gen(function* () {
        // One domstats call covers every domain on hypervisors that report cpu.time (QEMU/KVM).
        const byName = yield* run("domstats", "--cpu-total", "--raw", "--list-active").pipe(
          Effect.map(parseDomstatsCpuTime),
          Effect.orElseSucceed(() => new Map<string, number>())
        )
        const times = new Map<string, number>()
        for (const domain of domains) {
          const ns = byName.get(domain.name) ?? (yield* oneCpuTime(domain.uuid))
          if (ns !== undefined) times.set(domain.uuid, ns)
        }
        return times
      })
  }
}
