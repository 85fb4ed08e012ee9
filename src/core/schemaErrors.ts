/**
 * Turns an effect Schema failure into the fields it is about and one short sentence each, so
 * that every bad input is reported the same way: `field: message`, the field as a dotted path
 * (`threshold`, `vms[2].cpu_mhz`).
 */
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

const problemOf = (issue: ParseResult.ArrayFormatterIssue): FieldProblem => {
  const field = formatPath(issue.path)
  switch (issue._tag) {
    case "Missing":
      return { field, message: "is required" }
    case "Unexpected":
      return { field, message: `is not a known field (${issue.message.replace(/^is unexpected, /, "")})` }
    default:
      // Effect's own wording starts a sentence ("Expected number, actual ..."); here it follows a field.
      return { field, message: issue.message.replace(/^Expected /, "expected ") }
  }
}

/** Every problem of a schema failure, in the schema's order (one unless decoded with `errors: "all"`). */
export const schemaProblems = (error: ParseResult.ParseError): ReadonlyArray<FieldProblem> => {
  const problems = ParseResult.ArrayFormatter.formatErrorSync(error).map(problemOf)
  return problems.length === 0 ? [{ field: "", message: "is not valid" }] : problems
}

/** The first problem of a schema failure. */
export const describeParseError = (error: ParseResult.ParseError): FieldProblem =>
  schemaProblems(error)[0] ?? { field: "", message: "is not valid" }

/** One problem as a line: `field: message`, or the message alone when it is about the value itself. */
export const problemLine = (problem: FieldProblem): string =>
  problem.field === "" ? problem.message : `${problem.field}: ${problem.message}`

/** Every problem of a schema failure on one line, `; `-separated. */
export const parseErrorLine = (error: ParseResult.ParseError): string =>
  schemaProblems(error).map(problemLine).join("; ")
