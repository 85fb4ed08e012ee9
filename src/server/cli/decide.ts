/**
 * `neat decide [--input FILE]`: runs algorithms on cases given as JSON (stdin by default) and
 * prints their outputs as a JSON array, one line per case, in the format of the reference
 * vectors. See docs/algorithms.md.
 */
import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import type { CaseOutput } from "../../algorithms/decideCases.js"
import { InputError } from "../../core/errors.js"

/** The algorithms and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/decide.js"))

const readStdin = Effect.tryPromise({
  try: async () => {
    const chunks: Array<Buffer> = []
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: (cause) => new InputError({ file: "stdin", message: `cannot read: ${String(cause)}` })
})

const readInput = (file: Option.Option<string>) =>
  Option.match(file, {
    onNone: () => readStdin,
    onSome: (path) =>
      Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(path)).pipe(
        Effect.mapError((error) => new InputError({ file: path, message: `cannot read: ${error.message}` }))
      )
  })

/** The 1-based line of a character offset. */
const lineAt = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** Parses the cases document: a JSON array. */
export const parseCases = (text: string, file: string): Either.Either<ReadonlyArray<unknown>, InputError> => {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(message)?.[1]
    return Either.left(
      new InputError({
        file,
        line: position === undefined ? undefined : lineAt(text, Number(position)),
        message: `not valid JSON: ${message}`
      })
    )
  }
  if (!Array.isArray(document)) {
    return Either.left(new InputError({ file, message: "expected a JSON array of cases {algorithm, params, input}" }))
  }
  return Either.right(document)
}

/** One output per line: diffable, and still one JSON array. */
export const formatOutputs = (outputs: ReadonlyArray<CaseOutput>): string =>
  outputs.length === 0 ? "[]\n" : `[\n${outputs.map((output) => JSON.stringify(output)).join(",\n")}\n]\n`

const input = Options.text("input").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription(
    "JSON file with an array of cases {algorithm, params, input}; stdin when omitted. algorithm: a catalogue NAME[:PARAMS] (overload/threshold:0.8) or a user's MODULE#EXPORT[:PARAMS]"
  ),
  Options.optional
)

export const decideCommand = Command.make("decide", { input }, ({ input }) =>
  Effect.gen(function* () {
    const { describeCaseError, preloadAlgorithmRefs, runCases } = yield* implementation
    const file = Option.getOrElse(input, () => "stdin")
    const text = yield* readInput(input)
    const cases = yield* parseCases(text, file)
    // Cases may name a user's algorithm (MODULE#EXPORT): load them first.
    yield* preloadAlgorithmRefs(
      cases.flatMap((one) => {
        const algorithm =
          typeof one === "object" && one !== null ? (one as { algorithm?: unknown }).algorithm : undefined
        return typeof algorithm === "string" ? [algorithm] : []
      })
    )
    const outputs = yield* Either.mapLeft(
      runCases(cases),
      (error) => new InputError({ file, message: describeCaseError(error) })
    )
    yield* Effect.sync(() => process.stdout.write(formatOutputs(outputs)))
  })
).pipe(
  Command.withDescription(
    "Run consolidation algorithms on JSON cases {algorithm, params, input} and print their outputs as a JSON array"
  )
)
