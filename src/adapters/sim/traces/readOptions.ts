/**
 * How a data set's trace is read (`--vms --seed --from --to --interval --mips-per-core`): which VMs,
 * which span of time, at which interval. Shared by the gwa, azure, alibaba and google readers.
 */
import { Effect, Either } from "effect"
import { ConfigError } from "../../../core/errors.js"

/** A time given on the command line: seconds (the data set's own clock) or an ISO date (absolute). */
export type TimePoint =
  | { readonly _tag: "Seconds"; readonly seconds: number; readonly text: string }
  | { readonly _tag: "Date"; readonly seconds: number; readonly text: string }

export interface TraceReadOptions {
  /** Keep this many VMs, chosen by a seeded hash of their ids (all by default). */
  readonly vms?: number | undefined
  /** Seed of the VM sample (0 by default). */
  readonly seed?: number | undefined
  /** Start of the window, inclusive (the first reading by default). */
  readonly from?: TimePoint | undefined
  /** End of the window, exclusive (after the last reading by default). */
  readonly to?: TimePoint | undefined
  /** The scheduling interval, seconds: readings are averaged over each (300 by default). */
  readonly intervalSec?: number | undefined
  /** MIPS of one core, to turn a data set's core counts into `Trace.vmMips` (2660 by default). */
  readonly mipsPerCore?: number | undefined
}

export const DEFAULT_READ_INTERVAL_SEC = 300
/** CloudSim's HP ProLiant ML110 G5 core (Xeon 3075, 2660 MHz): a core of the simulator's faster host. */
export const DEFAULT_MIPS_PER_CORE = 2660

/** Whether any option beyond the defaults is set (those make sense for the data-set readers only). */
export const hasReadOptions = (options: TraceReadOptions | undefined): boolean =>
  options !== undefined &&
  (options.vms !== undefined ||
    options.from !== undefined ||
    options.to !== undefined ||
    options.intervalSec !== undefined ||
    options.mipsPerCore !== undefined)

/** Parses `--from`/`--to`: a number of seconds, or an ISO 8601 date (a zone is required: Z or ±hh:mm). */
export const parseTimePoint = (text: string, field: string): Either.Either<TimePoint, ConfigError> => {
  const trimmed = text.trim()
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed)
    if (seconds < 0) return Either.left(new ConfigError({ field, message: `must not be negative, got ${trimmed}` }))
    return Either.right({ _tag: "Seconds", seconds, text: trimmed })
  }
  if (
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ||
    /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
  ) {
    // A bare date is midnight UTC, as Date.parse reads it.
    const ms = Date.parse(trimmed)
    if (!Number.isNaN(ms)) return Either.right({ _tag: "Date", seconds: ms / 1000, text: trimmed })
  }
  return Either.left(
    new ConfigError({
      field,
      message: `expected seconds (e.g. 86400) or an ISO date with a zone (e.g. 2013-08-12T00:00:00Z), got '${text}'`
    })
  )
}

/** Checks the options as a whole (positive counts, an ordered window). */
export const checkReadOptions = (options: TraceReadOptions): Either.Either<TraceReadOptions, ConfigError> => {
  const fail = (field: string, message: string) => Either.left(new ConfigError({ field, message }))
  if (options.vms !== undefined && !(Number.isSafeInteger(options.vms) && options.vms > 0))
    return fail("vms", `must be a positive integer, got ${options.vms}`)
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    return fail("seed", `must be an integer, got ${options.seed}`)
  if (options.intervalSec !== undefined && !(Number.isFinite(options.intervalSec) && options.intervalSec > 0))
    return fail("interval", `must be a positive number of seconds, got ${options.intervalSec}`)
  if (options.mipsPerCore !== undefined && !(Number.isFinite(options.mipsPerCore) && options.mipsPerCore > 0))
    return fail("mips-per-core", `must be a positive number, got ${options.mipsPerCore}`)
  const { from, to } = options
  if (from !== undefined && to !== undefined) {
    if (from._tag !== to._tag) return fail("to", "--from and --to must both be seconds or both be dates")
    if (!(to.seconds > from.seconds)) return fail("to", `must be after --from (${from.text}), got ${to.text}`)
  }
  return Either.right(options)
}

/**
 * The window in the data set's seconds. Formats whose clock starts at the trace's start (azure,
 * alibaba, google) refuse dates; gwa's clock is Unix time, so it takes both.
 */
export const windowSeconds = (
  options: TraceReadOptions,
  format: string,
  absolute: boolean
): Either.Either<{ from: number | undefined; to: number | undefined }, ConfigError> => {
  for (const [field, point] of [
    ["from", options.from],
    ["to", options.to]
  ] as const) {
    if (point?._tag === "Date" && !absolute) {
      return Either.left(
        new ConfigError({
          field,
          message: `${format} times are seconds from the start of the trace, not dates: got '${point.text}'`
        })
      )
    }
  }
  return Either.right({ from: options.from?.seconds, to: options.to?.seconds })
}

/** The flags as given (`--vms --seed --from --to --interval --mips-per-core`), each optional. */
export interface ReadFlags {
  readonly vms?: number | undefined
  readonly seed?: number | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly intervalSec?: number | undefined
  readonly mipsPerCore?: number | undefined
}

/** Parses and checks the flags into read options. */
export const readOptionsFromFlags = (flags: ReadFlags): Effect.Effect<TraceReadOptions, ConfigError> =>
  Effect.gen(function* () {
    const from = flags.from === undefined ? undefined : yield* parseTimePoint(flags.from, "from")
    const to = flags.to === undefined ? undefined : yield* parseTimePoint(flags.to, "to")
    return yield* checkReadOptions({
      vms: flags.vms,
      seed: flags.seed,
      from,
      to,
      intervalSec: flags.intervalSec,
      mipsPerCore: flags.mipsPerCore
    })
  })

/** The read options in words, for a run's configuration ("vms 1000, seed 7, from 0, to 86400"); "" when none. */
export const describeReadOptions = (options: TraceReadOptions): string => {
  if (!hasReadOptions(options)) return ""
  return [
    options.vms === undefined ? undefined : `vms ${options.vms}, seed ${options.seed ?? 0}`,
    options.from === undefined ? undefined : `from ${options.from.text}`,
    options.to === undefined ? undefined : `to ${options.to.text}`,
    options.intervalSec === undefined ? undefined : `interval ${options.intervalSec} s`,
    options.mipsPerCore === undefined ? undefined : `${options.mipsPerCore} MIPS per core`
  ]
    .filter((part) => part !== undefined)
    .join(", ")
}
