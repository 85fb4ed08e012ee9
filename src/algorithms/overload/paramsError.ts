/** Turns a parameter schema failure into one ConfigError line naming the field. */
import { ParseResult } from "effect"
import { ConfigError } from "../../core/errors.js"

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`)).join("")

/**
 * `field` is the algorithm and the failing parameter (e.g. `overload/mhod window_sizes[0]`), `message`
 * what is wrong with it; further problems, if any, are appended to the message.
 */
export const paramsConfigError = (algorithm: string, error: ParseResult.ParseError): ConfigError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const [first, ...rest] = issues
  if (first === undefined) return new ConfigError({ field: algorithm, message: error.message })
  const more = rest.map((issue) => `; ${pathText(issue.path)}: ${issue.message}`).join("")
  return new ConfigError({
    field: first.path.length === 0 ? algorithm : `${algorithm} ${pathText(first.path)}`,
    message: `${first.message}${more}`
  })
}
