/**
 * The configuration of every Neat daemon, read as OpenStack Neat reads it: the shipped defaults
 * (config/neat.conf) first, then the operator's file, then NEAT_<OPTION> environment variables.
 * Every bad or unknown option is reported at once, with its name, where it was set and why.
 */
import { fileURLToPath } from "node:url"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import { ConfigError } from "../../core/errors.js"
import { parseErrorLine } from "../../core/schemaErrors.js"
import { packageRoot } from "../../packageRoot.js"
import { type AlgorithmRole, type AlgorithmSpec, parseAlgorithmName, parseAlgorithmParams } from "./AlgorithmSpec.js"
import { InvalidConfig } from "./InvalidConfig.js"
import { parseIni } from "./ini.js"
import { algorithmOptions, envVariable, optionNames, plainOptions } from "./options.js"

type PlainOptions = typeof plainOptions

/** The plain options, decoded. */
export type PlainConfig = {
  readonly [K in keyof PlainOptions]: Schema.Schema.Type<PlainOptions[K]["schema"]>
}

export interface NeatConfig extends PlainConfig {
  /** The algorithms the managers run; names are resolved by the algorithm registry. */
  readonly algorithms: Readonly<Record<AlgorithmRole, AlgorithmSpec>>
  /** Where each option's value came from: `file:line` or `env NEAT_<OPTION>`. */
  readonly sources: Readonly<Record<string, string>>
}

/** Checks that an algorithm name resolves (e.g. through the registry); `Left` says why not. */
export type AlgorithmValidator = (
  role: AlgorithmRole,
  spec: AlgorithmSpec
) => Either.Either<unknown, string | { readonly message: string }>

/** One configuration file's text and the name it is reported under. */
export interface ConfigText {
  readonly file: string
  readonly text: string
}

/** The defaults shipped with Neat. */
export const defaultConfigFile: string = fileURLToPath(new URL("config/neat.conf", packageRoot))

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = kept
    }
  }
  return row[b.length]!
}

const unknownOption = (name: string): string => {
  const closest = optionNames.map((known) => ({ known, d: distance(name, known) })).sort((x, y) => x.d - y.d)[0]
  return closest !== undefined && closest.d <= Math.min(3, Math.floor(name.length / 4))
    ? `unknown option; did you mean ${closest.known}?`
    : "unknown option"
}

/** Merges files (in order) and the environment, then decodes every option. Pure: no I/O. */
export const resolveNeatConfig = (
  files: ReadonlyArray<ConfigText>,
  env: Readonly<Record<string, string | undefined>>,
  validateAlgorithm?: AlgorithmValidator
): Either.Either<NeatConfig, InvalidConfig> => {
  const problems: Array<ConfigError> = []
  const values = new Map<string, { value: string; source: string }>()
  const known = new Set(optionNames)

  for (const { file, text } of files) {
    const parsed = parseIni(text, file)
    problems.push(...parsed.errors)
    for (const entry of parsed.entries) {
      const source = `${file}:${entry.line}`
      if (!known.has(entry.name)) {
        problems.push(new ConfigError({ field: entry.name, message: unknownOption(entry.name), source }))
      } else {
        values.set(entry.name, { value: entry.value, source })
      }
    }
  }
  for (const name of optionNames) {
    const variable = envVariable(name)
    const value = env[variable]
    if (value !== undefined) values.set(name, { value, source: `env ${variable}` })
  }

  const read = (name: string): { value: string; source: string } | undefined => {
    const found = values.get(name)
    if (found === undefined) {
      const where = files.map((f) => f.file).join(", ")
      problems.push(
        new ConfigError({
          field: name,
          message: `is missing: set it in neat.conf or ${envVariable(name)}`,
          source: where === "" ? "no configuration file" : where
        })
      )
    }
    return found
  }

  const plain: Record<string, unknown> = {}
  for (const [field, spec] of Object.entries(plainOptions) as ReadonlyArray<
    [keyof PlainOptions, PlainOptions[keyof PlainOptions]]
  >) {
    const raw = read(spec.name)
    if (raw === undefined) continue
    const decoded = Schema.decodeUnknownEither(spec.schema as Schema.Schema<unknown, string>)(raw.value)
    if (Either.isLeft(decoded)) {
      problems.push(new ConfigError({ field: spec.name, message: parseErrorLine(decoded.left), source: raw.source }))
    } else {
      plain[field] = decoded.right
    }
  }

  const algorithms: Partial<Record<AlgorithmRole, AlgorithmSpec>> = {}
  for (const [role, pair] of Object.entries(algorithmOptions) as ReadonlyArray<
    [AlgorithmRole, (typeof algorithmOptions)[AlgorithmRole]]
  >) {
    const factory = read(pair.factory)
    const params = read(pair.params)
    const name = factory === undefined ? undefined : parseAlgorithmName(factory.value, role)
    const decodedParams = params === undefined ? undefined : parseAlgorithmParams(params.value)
    if (factory !== undefined && name !== undefined && Either.isLeft(name)) {
      problems.push(new ConfigError({ field: pair.factory, message: name.left, source: factory.source }))
    }
    if (params !== undefined && decodedParams !== undefined && Either.isLeft(decodedParams)) {
      problems.push(new ConfigError({ field: pair.params, message: decodedParams.left, source: params.source }))
    }
    if (name === undefined || decodedParams === undefined || Either.isLeft(name) || Either.isLeft(decodedParams)) {
      continue
    }
    const spec: AlgorithmSpec = { name: name.right, params: decodedParams.right }
    const verdict = validateAlgorithm?.(role, spec)
    if (verdict !== undefined && Either.isLeft(verdict)) {
      const why = typeof verdict.left === "string" ? verdict.left : verdict.left.message
      problems.push(
        new ConfigError({ field: pair.factory, message: why, source: `${factory!.source}, ${params!.source}` })
      )
      continue
    }
    algorithms[role] = spec
  }

  if (problems.length > 0) return Either.left(new InvalidConfig({ problems }))
  const sources = Object.fromEntries([...values].map(([name, { source }]) => [name, source]))
  return Either.right({
    ...(plain as PlainConfig),
    algorithms: algorithms as Record<AlgorithmRole, AlgorithmSpec>,
    sources
  })
}

export interface LoadConfigOptions {
  /** The operator's neat.conf, read after the defaults. */
  readonly configFile?: string | undefined
  /** The defaults; Neat's shipped config/neat.conf unless given. */
  readonly defaultsFile?: string | undefined
  /** The environment to read NEAT_<OPTION> overrides from; process.env unless given. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  readonly validateAlgorithm?: AlgorithmValidator | undefined
}

/** Reads the defaults, the operator's file and the environment into a validated NeatConfig. */
export const loadNeatConfig = (
  options: LoadConfigOptions = {}
): Effect.Effect<NeatConfig, InvalidConfig, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = [
      options.defaultsFile ?? defaultConfigFile,
      ...(options.configFile === undefined ? [] : [options.configFile])
    ]
    const texts: Array<ConfigText> = []
    const unreadable: Array<ConfigError> = []
    for (const file of paths) {
      const text = yield* fs.readFileString(file).pipe(Effect.either)
      if (Either.isRight(text)) texts.push({ file, text: text.right })
      else
        unreadable.push(
          new ConfigError({
            field: "configuration file",
            message: `cannot read ${file}: ${text.left.message}`,
            source: file
          })
        )
    }
    if (unreadable.length > 0) return yield* new InvalidConfig({ problems: unreadable })
    return yield* resolveNeatConfig(texts, options.env ?? process.env, options.validateAlgorithm)
  })
