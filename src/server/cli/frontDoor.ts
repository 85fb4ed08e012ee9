/**
 * How `neat` reads its command line before @effect/cli parses it: old flag spellings rewritten
 * (with a warning), `--help` and `--completions` answered from the commands' definitions, and an
 * unknown flag or command refused with the closest known one (status 2, see reportFailure.ts).
 */
import { type CliApp, Command, ValidationError } from "@effect/cli"
import { Console, Effect, Either } from "effect"
import { colourWanted } from "./colour.js"
import { type CommandSpec, commandNamed, commandSpec, type FlagSpec, globalFlags } from "./commandSpec.js"
import { completionScript, completionShells } from "./completions.js"
import { rewriteDeprecatedFlags } from "./deprecatedFlags.js"
import { renderHelp } from "./help.js"
import { closestFlag } from "./suggestFlag.js"
import { UsageError } from "./UsageError.js"

const helpHint = (path: ReadonlyArray<string>) => `Run '${path.join(" ")} --help' for the options.`

/** The first word of `args` that is not one of `flags` (values of flags that take one skipped). */
const unknownFlag = (args: ReadonlyArray<string>, flags: ReadonlyArray<FlagSpec>): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    if (token === "--") return undefined
    if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) continue
    const name = token.split("=")[0]!
    const flag = flags.find((f) => f.names.includes(name))
    if (flag === undefined) return name
    if (flag.placeholder !== "" && !token.includes("=")) i++
  }
  return undefined
}

/** A usage error naming the unknown flag and the closest known one. */
const unknownFlagError = (given: string, spec: CommandSpec, path: ReadonlyArray<string>): UsageError => {
  const known = [...spec.flags, ...globalFlags].flatMap((flag) => flag.names)
  const closest = closestFlag(given, known)
  const hint = closest === undefined ? "" : `; did you mean ${closest}?`
  return new UsageError({ message: `${path.join(" ")}: unknown option ${given}${hint}\n${helpHint(path)}` })
}

/** Runs `neat` on `argv` (node, script, then the user's words). */
export const runNeat = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>,
  argv: ReadonlyArray<string>,
  version: string
): Effect.Effect<void, E | ValidationError.ValidationError | UsageError, R | CliApp.CliApp.Environment> =>
  Effect.gen(function* () {
    const rootSpec = commandSpec(root)
    const given = argv.slice(2)
    const { spec, path } = commandNamed(rootSpec, given)
    const commandIndex = path.length > 1 ? given.indexOf(path[path.length - 1]!) : -1
    const before = given.slice(0, commandIndex + 1)
    const rewritten = yield* Either.mapLeft(
      rewriteDeprecatedFlags(spec.name, given.slice(commandIndex + 1)),
      (error) => new UsageError({ message: `${path.join(" ")}: ${error.message}` })
    )
    for (const warning of rewritten.warnings) yield* Effect.sync(() => process.stderr.write(`neat: ${warning}\n`))
    const args = [...before, ...rewritten.args]
    const words = args.slice(0, args.includes("--") ? args.indexOf("--") : args.length)
    if (words.includes("--help") || words.includes("-h") || given.length === 0) {
      const page = renderHelp(spec, path, {
        colour: colourWanted(process.stdout),
        width: Math.min(process.stdout.columns ?? 100, 100),
        version
      })
      return yield* Effect.sync(() => process.stdout.write(page))
    }
    const shellAt = words.indexOf("--completions")
    if (shellAt >= 0) {
      const shell = completionShells.find((name) => name === words[shellAt + 1])
      if (shell === undefined) {
        return yield* new UsageError({
          message: `neat: --completions takes one of ${completionShells.join(", ")}, got ${words[shellAt + 1] ?? "nothing"}`
        })
      }
      return yield* Effect.flatMap(completionScript(root, rootSpec, shell), (script) => Console.log(script))
    }
    if (spec.subcommands.length > 0) {
      // The word after `neat` names no command: offer the closest.
      const word = args.find((token) => !token.startsWith("-"))
      if (word !== undefined) {
        const closest = closestFlag(
          word,
          spec.subcommands.map((sub) => sub.name)
        )
        const hint = closest === undefined ? "" : `; did you mean ${closest}?`
        return yield* new UsageError({
          message: `${path.join(" ")}: unknown command ${word}${hint}\nRun '${path.join(" ")} --help' for the commands.`
        })
      }
    }
    const unknown = unknownFlag(rewritten.args, [...spec.flags, ...globalFlags])
    if (unknown !== undefined) return yield* unknownFlagError(unknown, spec, path)
    return yield* Command.run(root, { name: rootSpec.name, version })([
      argv[0] ?? "node",
      argv[1] ?? "neat",
      ...args
    ]).pipe(
      Effect.tapError((error) =>
        ValidationError.isValidationError(error) && !ValidationError.isHelpRequested(error)
          ? Effect.sync(() => process.stderr.write(`${helpHint(path)}\n`))
          : Effect.void
      )
    )
  })
