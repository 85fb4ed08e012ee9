/**
 * Runs `neat decide` cases: `{algorithm, params, input}` → the algorithm's output, in the format
 * of the reference vectors. Pure: the CLI only reads and writes JSON around it.
 *
 * - Detectors (`underload/*`, `overload/*`): `input.utilization` gives one boolean;
 *   `input.utilization_sequence` gives one boolean per step i = 1..n, the detector seeing the last
 *   `params.window` values up to step i and keeping its state from step to step (OTF, MHOD).
 * - Selection: `input.vms` gives the selected UUID (`null` when the algorithm selects none).
 * - Placement: `input.hosts`, `input.inactive_hosts`, `input.vms` give `{uuid: host}`, `{}` when
 *   not every VM fits.
 *
 * `algorithm` is a catalogue `NAME[:NUMBER|:JSON]`, or a user's `MODULE#EXPORT[:NUMBER|:JSON]`, loaded beforehand by
 * `preloadAlgorithmRefs`; its family follows from the input (utilisation: a detector; hosts: a
 * placement; otherwise a selection), and the case's `params` are merged over the reference's.
 */
import { Data, Either, type ParseResult, Schema } from "effect"
import { ConfigError } from "../core/errors.js"
import type { Placement } from "../core/Placement.js"
import { describeParseError, joinPath } from "../core/schemaErrors.js"
import type { VmSample } from "../core/Vm.js"
import { findCatalogueEntry } from "./catalogue/catalogue.js"
import { isUserReference } from "./catalogue/loadedModules.js"
import { parseReferenceWith } from "./catalogue/reference.js"
import {
  HarnessParamsSchema,
  harnessParamNames,
  PlacementCaseInputSchema,
  SelectionInputSchema,
  UtilizationInputSchema,
  UtilizationSequenceInputSchema,
  type VmInput
} from "./decideInput.js"
import {
  type AlgorithmEntry,
  type AlgorithmFamily,
  algorithmNames,
  findAlgorithm,
  resolveAlgorithm
} from "./registry.js"
import type { AlgorithmContext, Detector, PlacementHost, VmPlacer, VmSelector } from "./types.js"

/** What one case produces. */
export type CaseOutput = boolean | ReadonlyArray<boolean> | string | null | Placement

/** A case that cannot run: its index in the array, the offending field, and why. */
export class CaseError extends Data.TaggedError("CaseError")<{
  readonly index: number
  readonly field: string
  readonly message: string
}> {}

/** `case 3: params.threshold: expected a number, got "x"`. */
export const describeCaseError = (error: CaseError): string =>
  error.field === "" ? `case ${error.index}: ${error.message}` : `case ${error.index}: ${error.field}: ${error.message}`

type Problem = { readonly field: string; readonly message: string }

const decode = <A, I>(schema: Schema.Schema<A, I>, value: unknown, prefix: string): Either.Either<A, Problem> =>
  Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "first" })(value).pipe(
    Either.mapLeft((error: ParseResult.ParseError) => {
      const problem = describeParseError(error)
      return { field: joinPath(prefix, problem.field), message: problem.message }
    })
  )

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const fromConfigError = (error: ConfigError): Problem => ({ field: error.field, message: error.message })

/** Runs one case; `index` only labels errors. */
export const runCase = (raw: unknown, index: number): Either.Either<CaseOutput, CaseError> =>
  Either.mapLeft(runCaseOrProblem(raw), (problem) => new CaseError({ index, ...problem }))

/** Runs every case in order, stopping at the first that cannot run. */
export const runCases = (cases: ReadonlyArray<unknown>): Either.Either<ReadonlyArray<CaseOutput>, CaseError> => {
  const outputs: Array<CaseOutput> = []
  for (let index = 0; index < cases.length; index++) {
    const output = runCase(cases[index], index)
    if (Either.isLeft(output)) return Either.left(output.left)
    outputs.push(output.right)
  }
  return Either.right(outputs)
}

const runCaseOrProblem = (raw: unknown): Either.Either<CaseOutput, Problem> => {
  if (!isRecord(raw)) return Either.left({ field: "", message: "expected an object {algorithm, params, input}" })
  for (const key of Object.keys(raw)) {
    if (key !== "algorithm" && key !== "params" && key !== "input" && key !== "output") {
      return Either.left({ field: key, message: "is not a known field (expected: algorithm, params, input)" })
    }
  }
  const { algorithm, input } = raw
  if (typeof algorithm !== "string") {
    return Either.left({ field: "algorithm", message: `expected a string such as "overload/threshold"` })
  }
  const params = raw.params ?? {}
  if (!isRecord(params)) return Either.left({ field: "params", message: "expected an object" })
  const resolved = isUserReference(algorithm) ? userEntry(algorithm, params, input) : catalogueEntry(algorithm, params)
  if (Either.isLeft(resolved)) return Either.left(resolved.left)
  return runResolved(resolved.right.entry, resolved.right.params, input)
}

type Resolved = { readonly entry: AlgorithmEntry; readonly params: Readonly<Record<string, unknown>> }

/**
 * A catalogue algorithm, `NAME` or `NAME:NUMBER|:JSON` as on every command line; the case's
 * `params` are merged over the reference's (no defaults added: a case gives what it tests).
 */
const catalogueEntry = (
  algorithm: string,
  params: Readonly<Record<string, unknown>>
): Either.Either<Resolved, Problem> => {
  const colon = algorithm.indexOf(":")
  const name = colon < 0 ? algorithm : algorithm.slice(0, colon).trim()
  const entry = findAlgorithm(name)
  if (entry === undefined) {
    return Either.left({
      field: "algorithm",
      message: `unknown algorithm "${name}" (known: ${algorithmNames.join(", ")})`
    })
  }
  if (colon < 0) return Either.right({ entry, params })
  const numericParam = findCatalogueEntry(entry.family, entry.name)?.numericParam
  return Either.map(
    Either.mapLeft(
      parseReferenceWith(algorithm, "algorithm", () => ({ defaults: {}, numericParam })),
      fromConfigError
    ),
    (reference) => ({ entry, params: { ...reference.params, ...params } })
  )
}

/** The family a user's algorithm is asked as, from the case's input. */
const familyOfInput = (input: unknown): AlgorithmFamily =>
  isRecord(input) && ("utilization" in input || "utilization_sequence" in input)
    ? "overload"
    : isRecord(input) && "hosts" in input
      ? "placement"
      : "selection"

const userEntry = (
  algorithm: string,
  params: Readonly<Record<string, unknown>>,
  input: unknown
): Either.Either<Resolved, Problem> =>
  Either.gen(function* () {
    const reference = yield* Either.mapLeft(
      parseReferenceWith(algorithm, "algorithm", () => ({ defaults: {}, numericParam: undefined })),
      fromConfigError
    )
    const entry = yield* Either.mapLeft(resolveAlgorithm(familyOfInput(input), reference.name), fromConfigError)
    return { entry, params: { ...reference.params, ...params } }
  })

const runResolved = (
  entry: AlgorithmEntry,
  params: Readonly<Record<string, unknown>>,
  input: unknown
): Either.Either<CaseOutput, Problem> => {
  if (input === undefined) return Either.left({ field: "input", message: "is required" })
  if (!isRecord(input)) return Either.left({ field: "input", message: "expected an object" })

  const harnessPart: Record<string, unknown> = {}
  const algorithmPart: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(params)) {
    if (harnessParamNames.includes(key)) harnessPart[key] = value
    else algorithmPart[key] = value
  }
  return Either.gen(function* () {
    const harness = yield* decode(HarnessParamsSchema, harnessPart, "params")
    const ctx: AlgorithmContext =
      harness.migration_time_steps !== undefined
        ? { timeStepSec: 1, migrationTimeSec: harness.migration_time_steps }
        : { timeStepSec: harness.time_step ?? 300, migrationTimeSec: harness.migration_time ?? 0 }
    return yield* runReportingThrows(() => runEntry(entry, algorithmPart, ctx, harness.window, input))
  })
}

// A user's algorithm that throws or answers malformed raises a ConfigError naming its reference.
const runReportingThrows = (run: () => Either.Either<CaseOutput, Problem>): Either.Either<CaseOutput, Problem> => {
  try {
    return run()
  } catch (error) {
    if (error instanceof ConfigError) return Either.left(fromConfigError(error))
    throw error
  }
}

const runEntry = (
  entry: AlgorithmEntry,
  params: Readonly<Record<string, unknown>>,
  ctx: AlgorithmContext,
  window: number | undefined,
  input: Readonly<Record<string, unknown>>
): Either.Either<CaseOutput, Problem> => {
  switch (entry.family) {
    case "underload":
    case "overload":
      return Either.gen(function* () {
        const detector = yield* Either.mapLeft(entry.make(params, ctx), fromConfigError)
        return yield* runDetector(detector, window, input)
      })
    case "selection":
      return Either.gen(function* () {
        const selector = yield* Either.mapLeft(entry.make(params, ctx), fromConfigError)
        return yield* runSelector(selector, input)
      })
    case "placement":
      return Either.gen(function* () {
        const placer = yield* Either.mapLeft(entry.make(params, ctx), fromConfigError)
        return yield* runPlacer(placer, input)
      })
  }
}

const runDetector = (
  detector: Detector,
  window: number | undefined,
  input: Readonly<Record<string, unknown>>
): Either.Either<CaseOutput, Problem> => {
  if ("utilization_sequence" in input) {
    return Either.map(decode(UtilizationSequenceInputSchema, input, "input"), ({ utilization_sequence }) =>
      decideSequence(detector, utilization_sequence, window)
    )
  }
  if (!("utilization" in input)) {
    return Either.left({ field: "input.utilization", message: "is required (or input.utilization_sequence)" })
  }
  return Either.map(
    decode(UtilizationInputSchema, input, "input"),
    ({ utilization }) => detector.decide(utilization, detector.initialState)[0]
  )
}

/**
 * Replays a history through a detector as a local manager would: one decision per step
 * i = 1..n on the last `window` values up to step i (all of them without a window), the state
 * carried from each call to the next.
 */
export const decideSequence = (
  detector: Detector,
  sequence: ReadonlyArray<number>,
  window: number | undefined
): Array<boolean> => {
  const decisions: Array<boolean> = []
  let state = detector.initialState
  for (let step = 1; step <= sequence.length; step++) {
    const start = window === undefined ? 0 : Math.max(0, step - window)
    const [decision, next] = detector.decide(sequence.slice(start, step), state)
    decisions.push(decision)
    state = next
  }
  return decisions
}

const toVmSamples = (vms: ReadonlyArray<VmInput>, field: string): Either.Either<Array<VmSample>, Problem> => {
  const seen = new Set<string>()
  const samples: Array<VmSample> = []
  for (let i = 0; i < vms.length; i++) {
    const vm = vms[i]!
    if (seen.has(vm.uuid)) return Either.left({ field: `${field}[${i}].uuid`, message: `duplicate UUID "${vm.uuid}"` })
    seen.add(vm.uuid)
    samples.push({ uuid: vm.uuid, cpuMhz: vm.cpu_mhz, ramMb: vm.ram_mb })
  }
  return Either.right(samples)
}

const runSelector = (
  selector: VmSelector,
  input: Readonly<Record<string, unknown>>
): Either.Either<CaseOutput, Problem> =>
  Either.gen(function* () {
    const { vms } = yield* decode(SelectionInputSchema, input, "input")
    const samples = yield* toVmSamples(vms, "input.vms")
    const [selected] = selector.select(samples, selector.initialState)
    return selected[0] ?? null
  })

const runPlacer = (placer: VmPlacer, input: Readonly<Record<string, unknown>>): Either.Either<CaseOutput, Problem> =>
  Either.gen(function* () {
    const decoded = yield* decode(PlacementCaseInputSchema, input, "input")
    const vms = yield* toVmSamples(decoded.vms, "input.vms")
    const names = new Set<string>()
    const hosts: Array<PlacementHost> = []
    const inactiveHosts: Array<PlacementHost> = []
    const lists = [
      ["input.hosts", decoded.hosts, hosts],
      ["input.inactive_hosts", decoded.inactive_hosts, inactiveHosts]
    ] as const
    for (const [field, given, into] of lists) {
      for (let i = 0; i < given.length; i++) {
        const host = given[i]!
        if (names.has(host.name)) {
          return yield* Either.left({ field: `${field}[${i}].name`, message: `duplicate host name "${host.name}"` })
        }
        names.add(host.name)
        into.push({
          name: host.name,
          cpuMhz: host.cpu_mhz_total,
          cpuUsedMhz: host.cpu_mhz_used,
          ramMb: host.ram_mb_total,
          ramUsedMb: host.ram_mb_used
        })
      }
    }
    const [placement] = placer.place({ hosts, inactiveHosts, vms }, placer.initialState)
    return placement ?? {}
  })
