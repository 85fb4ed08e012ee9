/**
 * Building blocks of the algorithms' parameter schemas, with messages a person can act on
 * ("expected a number >= 0, got -1") instead of the generic ones.
 */
import { type ParseResult, Schema } from "effect"

const show = (value: unknown): string => {
  if (value === undefined) return "nothing"
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text
}

const expected = (what: string) => (issue: ParseResult.ParseIssue) => `expected ${what}, got ${show(issue.actual)}`

/** Any finite number. */
export const FiniteNumber = Schema.Number.annotations({ message: expected("a number") }).pipe(
  Schema.finite({ message: expected("a finite number") })
)

/** A finite number >= 0. */
export const NonNegativeNumber = FiniteNumber.pipe(Schema.nonNegative({ message: expected("a number >= 0") }))

/** A finite number > 0. */
export const PositiveNumber = FiniteNumber.pipe(Schema.positive({ message: expected("a number > 0") }))

/** A fraction of capacity, 0..1 inclusive. */
export const Fraction = FiniteNumber.pipe(Schema.between(0, 1, { message: expected("a fraction between 0 and 1") }))

/** An integer. */
export const Integer = FiniteNumber.pipe(Schema.int({ message: expected("an integer") }))

/** An integer >= 1. */
export const PositiveInteger = Integer.pipe(Schema.positive({ message: expected("an integer >= 1") }))

/** An integer >= 0. */
export const NonNegativeInteger = Integer.pipe(Schema.nonNegative({ message: expected("an integer >= 0") }))

/** A boolean. */
export const Bool = Schema.Boolean.annotations({ message: expected("true or false") })

/** A string. */
export const Text = Schema.String.annotations({ message: expected("a string") })

/** The most samples a parameter may count: a year of 30 s samples, far beyond any history kept. */
export const maxSampleCount = 1_000_000

/** A count of samples from `min` to `maxSampleCount`: bounded, so no parameter can ask for unbounded work. */
export const SampleCount = (min: number) =>
  Integer.pipe(
    Schema.between(min, maxSampleCount, { message: expected(`an integer from ${min} to ${maxSampleCount}`) })
  )
