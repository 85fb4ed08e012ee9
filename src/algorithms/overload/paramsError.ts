/** Turns a parameter schema failure into one ConfigError line naming the field. */
import type { ParseResult } from "effect"
import { ConfigError } from "../../core/errors.js"
import { problemLine, schemaProblems } from "../../core/schemaErrors.js"

/**
 * `field` is the algorithm and the failing parameter (e.g. `overload/mhod window_sizes[0]`), `message`
 * what is wrong with it; further problems, if any, are appended to the message.
 */
export const paramsConfigError = (algorithm: string, error: ParseResult.ParseError): ConfigError => {
  const [first, ...rest] = schemaProblems(error)
  const more = rest.map((problem) => `; ${problemLine(problem)}`).join("")
  return new ConfigError({
    field: first === undefined || first.field === "" ? algorithm : `${algorithm} ${first.field}`,
    message: `${first?.message ?? "is not valid"}${more}`
  })
}
