/** The state of an algorithm that keeps none: Neat's stateless algorithms return `{}`, so do ours. */
export type NoState = Readonly<Record<string, never>>

/** The one value of {@link NoState}. */
export const noState: NoState = Object.freeze({})
