/**
 * Schemas that decode one neat.conf value (a string) into its typed form, each failing with a short
 * sentence that says what the value must be.
 */
import { Either, ParseResult, Redacted, Schema } from "effect"
import { parseDisruptionBudget } from "../../core/control/DisruptionBudget.js"
import { parseWindows } from "../../core/control/MaintenanceWindows.js"
import { parseStoreConnection, type StoreConnection } from "../../core/StoreConnection.js"

/** A string-to-A schema from a decoding function whose Left is the reason. */
export const fromString = <A>(decode: (value: string) => Either.Either<A, string>): Schema.Schema<A, string> =>
  Schema.transformOrFail(Schema.String, Schema.Any, {
    strict: true,
    decode: (value, _, ast) =>
      Either.match(decode(value), {
        onLeft: (reason) => ParseResult.fail(new ParseResult.Type(ast, value, reason)),
        onRight: (decoded) => ParseResult.succeed(decoded)
      }),
    encode: (value, _, ast) => ParseResult.fail(new ParseResult.Forbidden(ast, value, "configuration is read-only"))
  })

const quote = (value: string) => `'${value}'`

const number = (value: string): number | undefined => {
  const trimmed = value.trim()
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return undefined
  return Number(trimmed)
}

export const Text = fromString((value) => Either.right(value))

export const NonEmptyText = fromString((value) =>
  value.trim() === "" ? Either.left("must not be empty") : Either.right(value.trim())
)

/** A MAC address (colons or dashes), normalised to lower-case colon form; or empty for "not set". */
export const MacOrEmpty = fromString((value) => {
  const trimmed = value.trim()
  if (trimmed === "") return Either.right("")
  return /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(trimmed)
    ? Either.right(trimmed.replace(/-/g, ":").toLowerCase())
    : Either.left(`must be a MAC address such as 52:54:00:12:34:56, not ${quote(trimmed)}`)
})

export const SecretText = fromString((value) => Either.right(Redacted.make(value)))

/** A whole number of seconds, at least 1. */
export const Seconds = fromString((value) => {
  const n = number(value)
  return n !== undefined && Number.isInteger(n) && n >= 1
    ? Either.right(n)
    : Either.left(`must be a whole number of seconds, at least 1 (got ${quote(value)})`)
})

export const PositiveInteger = fromString((value) => {
  const n = number(value)
  return n !== undefined && Number.isInteger(n) && n >= 1
    ? Either.right(n)
    : Either.left(`must be a whole number, at least 1 (got ${quote(value)})`)
})

export const integerBetween = (low: number, high: number) =>
  fromString((value) => {
    const n = number(value)
    return n !== undefined && Number.isInteger(n) && n >= low && n <= high
      ? Either.right(n)
      : Either.left(`must be a whole number from ${low} to ${high} (got ${quote(value)})`)
  })

/** A fraction in (0, 1]: a share of a host's total CPU. */
export const Fraction = fromString((value) => {
  const n = number(value)
  return n !== undefined && n > 0 && n <= 1
    ? Either.right(n)
    : Either.left(`must be a fraction greater than 0 and at most 1 (got ${quote(value)})`)
})

export const PositiveNumber = fromString((value) => {
  const n = number(value)
  return n !== undefined && n > 0 && Number.isFinite(n)
    ? Either.right(n)
    : Either.left(`must be a number greater than 0 (got ${quote(value)})`)
})

/** Python ConfigParser's booleans. */
export const Flag = fromString((value) => {
  const v = value.trim().toLowerCase()
  if (["1", "yes", "true", "on"].includes(v)) return Either.right(true)
  if (["0", "no", "false", "off"].includes(v)) return Either.right(false)
  return Either.left(`must be true or false (got ${quote(value)})`)
})

export const oneOf = <const L extends ReadonlyArray<string>>(choices: L) =>
  fromString((value): Either.Either<L[number], string> => {
    const v = value.trim()
    const found = choices.find((choice) => choice === v)
    return found !== undefined
      ? Either.right(found)
      : Either.left(`must be one of ${choices.join(", ")} (got ${quote(value)})`)
  })

export const Port = integerBetween(1, 65535)

export const HttpUrl = fromString((value) => {
  try {
    const url = new URL(value.trim())
    if (url.protocol === "http:" || url.protocol === "https:") return Either.right(url.toString())
  } catch {
    // reported below
  }
  return Either.left(`must be an http:// or https:// URL (got ${quote(value)})`)
})

/** Host names separated by commas or white space (Neat's `compute_hosts`). */
export const HostList = fromString((value) => {
  const hosts = value.split(/[\s,]+/).filter((host) => host !== "")
  const bad = hosts.find((host) => !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(host))
  if (bad !== undefined) return Either.left(`'${bad}' is not a host name`)
  if (new Set(hosts).size !== hosts.length) return Either.left("lists a host more than once")
  return Either.right(hosts)
})

export const SqlConnection: Schema.Schema<StoreConnection, string> = fromString(parseStoreConnection)

/** An HMAC secret: empty disables signed requests; otherwise at least 16 characters. */
export const SigningSecret = fromString((value) => {
  const v = value.trim()
  if (v !== "" && v.length < 16) return Either.left("must be empty (signed requests off) or at least 16 characters")
  return Either.right(v === "" ? undefined : Redacted.make(v))
})

/** Time windows, `[TZ=Zone] CRON DURATION` separated by `;` (empty: none). */
export const WindowList = fromString(parseWindows)

/** A disruption budget: `10%`, `3`, or empty for none. */
export const DisruptionBudgetText = fromString(parseDisruptionBudget)
