/** The overload cases of the shared Neat reference vectors, typed for the detectors' replay. */
import { type ReferenceCase, referenceCases } from "../../support/reference.js"
import type { Requirement } from "../../support/requirement.js"

export interface DetectorCase {
  readonly algorithm: string
  readonly params: Readonly<Record<string, unknown>> & { readonly window: number }
  readonly input: { readonly utilization_sequence: ReadonlyArray<number> }
  readonly output: ReadonlyArray<boolean>
}

/** The cases of `algorithm` (e.g. "overload/mhod"); missing when the shared material is. */
export const detectorCases = (algorithm: string): Requirement<ReadonlyArray<DetectorCase>> => {
  // The file's overload cases all have this shape.
  const ofAlgorithm = (c: ReferenceCase): c is DetectorCase => c.algorithm === algorithm
  return referenceCases.ok ? { ok: true, value: referenceCases.value.filter(ofAlgorithm) } : referenceCases
}
