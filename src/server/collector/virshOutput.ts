/**
 * Parsers for the virsh output the collector reads (libvirt 9 text formats). Each returns what it
 * found or a reason; none throws.
 */
import { Either } from "effect"

/** A domain as `virsh list --uuid --name` prints it. */
export interface DomainEntry {
  readonly uuid: string
  readonly name: string
}

/** Host facts from `virsh nodeinfo`. */
export interface NodeInfo {
  /** Logical CPUs ("CPU(s)"), what Neat counts as physical CPUs. */
  readonly cpus: number
  /** Clock of one CPU, MHz. */
  readonly mhz: number
  /** Memory, MB. */
  readonly memoryMb: number
}

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** `virsh list --uuid --name`: one "UUID name" line per domain. */
export const parseDomainList = (output: string): Either.Either<ReadonlyArray<DomainEntry>, string> => {
  const domains: Array<DomainEntry> = []
  for (const line of output.split("\n")) {
    const trimmed = line.trim()
    if (trimmed === "") continue
    const [uuid, ...name] = trimmed.split(/\s+/)
    if (uuid === undefined || !uuidPattern.test(uuid)) return Either.left(`not a domain UUID line: '${trimmed}'`)
    domains.push({ uuid: uuid.toLowerCase(), name: name.join(" ") })
  }
  return Either.right(domains)
}

const field = (output: string, label: string): string | undefined => {
  const line = output.split("\n").find((l) => l.trimStart().startsWith(`${label}:`))
  return line?.slice(line.indexOf(":") + 1).trim()
}

/** `virsh nodeinfo`: CPU(s), CPU frequency (MHz) and Memory size (KiB). */
export const parseNodeInfo = (output: string): Either.Either<NodeInfo, string> => {
  const cpus = Number.parseInt(field(output, "CPU(s)") ?? "", 10)
  const mhz = Number.parseInt(field(output, "CPU frequency") ?? "", 10)
  const memory = /^(\d+)\s*KiB$/.exec(field(output, "Memory size") ?? "")
  if (!(cpus > 0)) return Either.left("nodeinfo gives no 'CPU(s)' count")
  if (!(mhz > 0)) return Either.left("nodeinfo gives no 'CPU frequency'")
  if (memory === null) return Either.left("nodeinfo gives no 'Memory size' in KiB")
  return Either.right({ cpus, mhz, memoryMb: Math.floor(Number(memory[1]) / 1024) })
}

/** `virsh domstats --cpu-total --raw`: cumulative CPU time per domain name, ns (domains without `cpu.time` are left out). */
export const parseDomstatsCpuTime = (output: string): ReadonlyMap<string, number> => {
  const times = new Map<string, number>()
  let domain: string | undefined
  for (const line of output.split("\n")) {
    const header = /^Domain: '(.*)'\s*$/.exec(line.trim())
    if (header !== null) {
      domain = header[1]
      continue
    }
    const stat = /^cpu\.time=(\d+)$/.exec(line.trim())
    if (stat !== null && domain !== undefined) times.set(domain, Number(stat[1]))
  }
  return times
}

/** `virsh cpu-stats DOMAIN --total`: the `cpu_time` line, seconds, as ns. */
export const parseCpuStatsTotal = (output: string): Either.Either<number, string> => {
  const match = /^\s*cpu_time\s+(\d+(?:\.\d+)?)\s+seconds\s*$/m.exec(output)
  return match === null ? Either.left("cpu-stats gives no cpu_time") : Either.right(Math.round(Number(match[1]) * 1e9))
}

/** `virsh dominfo DOMAIN`: the `CPU time` line (e.g. "12.3s"), as ns. */
export const parseDominfoCpuTime = (output: string): Either.Either<number, string> => {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(field(output, "CPU time") ?? "")
  return match === null ? Either.left("dominfo gives no 'CPU time'") : Either.right(Math.round(Number(match[1]) * 1e9))
}
