/**
 * Turns a failed command into one clear line on stderr and exit code 1: users see what was
 * wrong (file, line, field), never a stack trace. Defects (bugs) still print their cause. A usage
 * error (unknown flag or command, bad or missing value: the command line itself is wrong) exits 2.
 */
import { ValidationError } from "@effect/cli"
import { Cause, Effect, Option, Runtime } from "effect"
import { ConfigError, describeError } from "../../core/errors.js"

const isTagged = (error: unknown): error is { readonly _tag: string } =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"

/**
 * A ConfigError thrown from inside a computation (a user's algorithm failing at run time, named by
 * its reference), possibly wrapped in a FiberFailure by a nested run: reported like a failure.
 */
const thrownConfigError = (cause: Cause.Cause<unknown>): ConfigError | undefined => {
  let defect = Option.getOrUndefined(Cause.dieOption(cause))
  for (let depth = 0; depth < 5 && Runtime.isFiberFailure(defect); depth++) {
    const inner = defect[Runtime.FiberFailureCauseId]
    defect = Option.getOrUndefined(Cause.failureOption(inner)) ?? Option.getOrUndefined(Cause.dieOption(inner))
  }
  return defect instanceof ConfigError ? defect : undefined
}

/**
 * What a failed command tells its user, or undefined when nothing is to be said (an interruption,
 * or @effect/cli's validation errors, which it has printed already). Defects keep their cause.
 */
export const failureMessage = (cause: Cause.Cause<unknown>): string | undefined => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") {
    const error = failure.value
    // Every problem of an InvalidConfig on its own line.
    if (isTagged(error) && error._tag === "InvalidConfig" && error instanceof Error)
      return `InvalidConfig: ${error.message}`
    if (isTagged(error) && !ValidationError.isValidationError(error)) return describeError(error)
    return undefined
  }
  const thrown = thrownConfigError(cause)
  if (thrown !== undefined) return describeError(thrown)
  if (Cause.isInterruptedOnly(cause)) return undefined
  return `internal error\n${Cause.pretty(cause)}`
}

export const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A | undefined, never, R> =>
  program.pipe(
    Effect.catchAllCause((cause) =>
      Effect.sync(() => {
        const failure = Cause.failureOption(cause)
        if (failure._tag === "Some") {
          const error = failure.value
          // @effect/cli has already printed its own validation errors; ours (UsageError) say theirs here.
          if (isTagged(error) && (error._tag === "UsageError" || ValidationError.isValidationError(error))) {
            if (error._tag === "UsageError" && "message" in error) process.stderr.write(`${String(error.message)}\n`)
            process.exitCode = 2
            return undefined
          }
        }
        const message = failureMessage(cause)
        if (message !== undefined) process.stderr.write(`neat: ${message}\n`)
        process.exitCode = 1
        return undefined
      })
    )
  )
