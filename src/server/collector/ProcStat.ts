/**
 * Host CPU times from /proc/stat (or a file in its format), as Neat reads them: the first `cpu`
 * line, total = user + nice + system + idle + iowait + irq + softirq, busy = user + nice + system.
 */
import { FileSystem } from "@effect/platform"
import { Context, Effect, Either, Layer } from "effect"
import { InputError } from "../../core/errors.js"

/** Cumulative host CPU time, in clock ticks. */
export interface HostCpuTimes {
  readonly total: number
  readonly busy: number
}

export interface ProcStatService {
  readonly read: Effect.Effect<HostCpuTimes, InputError>
}

/** Parses /proc/stat text; `file` names it in errors. */
export const parseProcStat = (text: string, file: string): Either.Either<HostCpuTimes, InputError> => {
  const lines = text.split("\n")
  const index = lines.findIndex((line) => /^cpu\s/.test(line))
  if (index < 0) return Either.left(new InputError({ file, message: "no aggregate 'cpu' line" }))
  const fields = lines[index]!.trim().split(/\s+/).slice(1, 8)
  const values = fields.map(Number)
  if (values.length < 7 || values.some((v) => !Number.isFinite(v) || v < 0)) {
    return Either.left(
      new InputError({ file, line: index + 1, field: "cpu", message: "expected 7 non-negative counters after 'cpu'" })
    )
  }
  const total = values.reduce((sum, v) => sum + v, 0)
  const busy = values[0]! + values[1]! + values[2]!
  return Either.right({ total, busy })
}

export class ProcStat extends Context.Tag("neat/ProcStat")<ProcStat, ProcStatService>() {
  /** Reads the file at `path` (normally /proc/stat) on every call. */
  static readonly file = (path: string): Layer.Layer<ProcStat, never, FileSystem.FileSystem> =>
    Layer.effect(
      ProcStat,
      Effect.map(FileSystem.FileSystem, (fs) => ({
        read: fs.readFileString(path).pipe(
          Effect.mapError((error) => new InputError({ file: path, message: `cannot read: ${error.message}` })),
          Effect.flatMap((text) => parseProcStat(text, path))
        )
      }))
    )
}
