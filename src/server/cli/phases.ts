/**
 * `NEAT_PHASES=1 neat sim ...`: where a run's time goes, printed on stderr as the process exits,
 * one line per phase: the wall time it took, and the main thread's CPU time. The main thread's
 * own CPU time (Linux: its scheduler statistics) is what other load on a shared machine changes
 * least; where the system does not give it, the process's CPU time (all threads) is shown, and
 * said so. Without the variable nothing is read or printed.
 */
import { readFileSync } from "node:fs"

interface Mark {
  readonly name: string
  readonly wallMs: number
  readonly cpuMs: number
}

const wanted = (value: string | undefined): boolean => value !== undefined && value !== "" && value !== "0"

const threadStats = `/proc/self/task/${process.pid}/schedstat`

/** The main thread's CPU time (ms), or undefined where /proc does not give it. */
const mainThreadCpuMs = (): number | undefined => {
  try {
    const nanoseconds = Number(readFileSync(threadStats, "utf8").split(" ")[0])
    return Number.isFinite(nanoseconds) ? nanoseconds / 1e6 : undefined
  } catch {
    return undefined
  }
}

const processCpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

const marks: Array<Mark> = []
let cpuSource: "main thread" | "process" = "main thread"

const cpuNow = (): number => {
  if (cpuSource === "main thread") {
    const own = mainThreadCpuMs()
    if (own !== undefined) return own
    cpuSource = "process"
  }
  return processCpuMs()
}

const pad = (text: string, width: number): string => text.padStart(width)

/** The phases as printed: from the process's start to the first mark, then from mark to mark. */
export const formatPhases = (all: ReadonlyArray<Mark>, source: string): string => {
  const width = Math.max(...all.map((mark) => mark.name.length))
  const lines = [`neat: phases (wall ms, ${source} CPU ms; NEAT_PHASES)`]
  let wall = 0
  let cpu = 0
  for (const mark of all) {
    const spentWall = (mark.wallMs - wall).toFixed(0)
    const spentCpu = (mark.cpuMs - cpu).toFixed(0)
    lines.push(`neat:   ${mark.name.padEnd(width)} ${pad(spentWall, 6)} ${pad(spentCpu, 6)}`)
    wall = mark.wallMs
    cpu = mark.cpuMs
  }
  const last = all[all.length - 1]
  if (last !== undefined) {
    lines.push(`neat:   ${"total".padEnd(width)} ${pad(last.wallMs.toFixed(0), 6)} ${pad(last.cpuMs.toFixed(0), 6)}`)
  }
  return `${lines.join("\n")}\n`
}

const report = (): void => {
  markPhase("exit")
  process.stderr.write(formatPhases(marks, cpuSource))
}

/**
 * Ends the phase `name` now (a phase runs from the previous mark, or the process's start). The
 * first mark arranges the report at exit.
 */
export const markPhase = (name: string): void => {
  if (!wanted(process.env.NEAT_PHASES)) return
  if (marks.length === 0 && name !== "exit") process.once("exit", report)
  marks.push({ name, wallMs: performance.now(), cpuMs: cpuNow() })
}
