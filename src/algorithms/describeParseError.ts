/** Turns a schema failure into the field it is about and one short sentence. */
import { ParseResult } from "effect"

export interface FieldProblem {
  /** Dotted path of the offending field (`threshold`, `vms[2].cpu_mhz`), empty for the value itself. */
  readonly field: string
  readonly message: string
}

/** Formats a path as `a.b[2].c`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`
    const name = String(key)
    return text === "" ? name : `${text}.${name}`
  }, "")

/** Joins a prefix and a field path, so `params` + `[2].x` gives `params[2].x` and `params` + `x` gives `params.x`. */
export const joinPath = (prefix: string, field: string): string =>
  field === "" ? prefix : prefix === "" ? field : field.startsWith("[") ? `${prefix}${field}` : `${prefix}.${field}`

/** The first problem of a schema failure. */
export const describeParseError = (error: ParseResult.ParseError): FieldProblem => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  if (first === undefined) return { field: "", message: "is not valid" }
  const field = formatPath(first.path)
  switch (first._tag) {
    case "Missing":
      return { field, message: "is required" }
    case "Unexpected":
      return { field, message: `is not a known field (${first.message.replace(/^is unexpected, /, "")})` }
    default:
      return { field, message: first.message.charAt(0).toLowerCase() + first.message.slice(1) }
  }
}
