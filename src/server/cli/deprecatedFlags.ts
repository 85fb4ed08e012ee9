/**
 * The flag spellings of the previous release, still accepted for one release with a warning:
 * flags renamed after the neat.conf option they set (`--cloud` → `--mode`), and the algorithm flags
 * that took a name and a separate JSON parameter flag, now one `NAME[:PARAMS]` reference
 * (`--algorithm-overload-detection-factory N --algorithm-overload-detection-parameters J` →
 * `--overload N:J`). The command line is rewritten before parsing, so the commands see only the
 * new spellings and their help lists only those.
 */
import { Either } from "effect"
import { splitReference } from "../../algorithms/catalogue/reference.js"
import { UsageError } from "./UsageError.js"

interface Renamed {
  readonly from: string
  readonly to: string
}

/** An algorithm flag: its old name flags (renamed to `to`) and its old parameter flag (folded into `to`). */
interface Folded {
  readonly to: string
  readonly names: ReadonlyArray<string>
  readonly params: string
}

interface Deprecations {
  readonly renamed: ReadonlyArray<Renamed>
  readonly folded: ReadonlyArray<Folded>
}

const algorithmFlags = (families: ReadonlyArray<readonly [string, string]>): ReadonlyArray<Folded> =>
  families.map(([to, option]) => ({
    to: `--${to}`,
    names: [`--algorithm-${option}-factory`],
    params: `--algorithm-${option}-parameters`
  }))

/** Per command, what the previous release called its flags. */
export const deprecations: Readonly<Record<string, Deprecations>> = {
  serve: {
    renamed: [
      { from: "--cloud", to: "--mode" },
      { from: "--request-freshness-window", to: "--global-manager-request-max-age" },
      { from: "--request-signing-secret", to: "--global-manager-signing-secret" }
    ],
    folded: algorithmFlags([["placement", "vm-placement"]])
  },
  "local-manager": {
    renamed: [
      { from: "--host-name", to: "--local-host-name" },
      { from: "--request-signing-secret", to: "--global-manager-signing-secret" }
    ],
    folded: algorithmFlags([
      ["underload", "underload-detection"],
      ["overload", "overload-detection"],
      ["selection", "vm-selection"]
    ])
  },
  whatif: {
    renamed: [],
    folded: ["underload", "overload", "selection", "placement"].map((family) => ({
      to: `--${family}`,
      names: [],
      params: `--${family}-parameters`
    }))
  }
}

/** `NAME[:PARAMS]` with the JSON object `json` merged over its parameters. */
export const withParameters = (flag: string, reference: string, json: string): Either.Either<string, UsageError> => {
  let extra: unknown
  try {
    extra = JSON.parse(json)
  } catch {
    return Either.left(new UsageError({ message: `the parameters of ${flag} are not JSON: ${json}` }))
  }
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
    return Either.left(new UsageError({ message: `the parameters of ${flag} must be a JSON object, got ${json}` }))
  }
  const split = splitReference(reference, flag)
  if (Either.isLeft(split)) return Either.left(new UsageError({ message: split.left.message }))
  const parsed = split.right
  const base = parsed.kind === "catalogue" ? parsed.name : parsed.ref
  if (parsed.paramsText === "") return Either.right(`${base}:${JSON.stringify(extra)}`)
  if (!parsed.paramsText.startsWith("{")) {
    return Either.left(
      new UsageError({ message: `${flag} ${reference} already sets its parameter; give them once, as ${base}:JSON` })
    )
  }
  try {
    return Either.right(`${base}:${JSON.stringify({ ...JSON.parse(parsed.paramsText), ...extra })}`)
  } catch {
    return Either.left(new UsageError({ message: `the parameters of ${flag} ${reference} are not JSON` }))
  }
}

/** A flag's value, written `--flag VALUE` or `--flag=VALUE`, and the tokens left without it. */
const takeFlag = (
  args: ReadonlyArray<string>,
  names: ReadonlyArray<string>
): { readonly value: string | undefined; readonly used: string | undefined; readonly rest: Array<string> } => {
  const rest: Array<string> = []
  let value: string | undefined
  let used: string | undefined
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    const name = names.find((flag) => token === flag || token.startsWith(`${flag}=`))
    if (name === undefined) {
      rest.push(token)
    } else if (token === name) {
      value = args[i + 1]
      used = name
      i++
    } else {
      value = token.slice(name.length + 1)
      used = name
    }
  }
  return { value, used, rest }
}

/**
 * `args` (after the command's name) in the current spelling, and a warning per old spelling used.
 * Fails when an old parameter flag is given without the algorithm it belongs to.
 */
export const rewriteDeprecatedFlags = (
  command: string,
  args: ReadonlyArray<string>
): Either.Either<{ readonly args: ReadonlyArray<string>; readonly warnings: ReadonlyArray<string> }, UsageError> => {
  const table = deprecations[command]
  if (table === undefined) return Either.right({ args, warnings: [] })
  const separator = args.indexOf("--")
  let rest = separator < 0 ? [...args] : args.slice(0, separator)
  const tail = separator < 0 ? [] : args.slice(separator)
  const warnings: Array<string> = []
  const warn = (from: string, to: string) =>
    warnings.push(`${from} is deprecated and will be removed in the next release; use ${to}`)
  for (const { from, to } of table.renamed) {
    rest = rest.map((token) => {
      if (token === from) {
        warn(from, to)
        return to
      }
      if (token.startsWith(`${from}=`)) {
        warn(from, to)
        return `${to}${token.slice(from.length)}`
      }
      return token
    })
  }
  for (const { to, names, params } of table.folded) {
    const parameters = takeFlag(rest, [params])
    const named = takeFlag(parameters.rest, [to, ...names])
    if (parameters.used === undefined && (named.used === undefined || named.used === to)) continue
    if (named.used !== undefined && named.used !== to) warn(named.used, `${to} NAME[:PARAMS]`)
    let reference = named.value
    if (parameters.value !== undefined) {
      warn(params, `${to} NAME:JSON`)
      if (reference === undefined) {
        return Either.left(
          new UsageError({ message: `${params} is replaced by ${to} NAME:JSON, which names the algorithm too` })
        )
      }
      const merged = withParameters(to, reference, parameters.value)
      if (Either.isLeft(merged)) return Either.left(merged.left)
      reference = merged.right
    }
    rest = reference === undefined ? named.rest : [...named.rest, to, reference]
  }
  return Either.right({ args: [...rest, ...tail], warnings })
}
