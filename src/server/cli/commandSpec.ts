/**
 * What a `neat` command accepts, read from its @effect/cli definition: its flags (names,
 * placeholder, allowed values, default, whether repeatable) and positional arguments. The help
 * page, the usage-error suggestions and the completion scripts are all drawn from this one reading,
 * so they cannot disagree with the parser. @effect/cli 0.77 keeps these structures internal; they
 * are read defensively (an unknown node contributes nothing rather than failing).
 */
import { type Command, HelpDoc } from "@effect/cli"
import { Option } from "effect"
import { withoutColour } from "./colour.js"

export interface FlagSpec {
  /** The long name first (`--hosts`), then aliases (`-h`). */
  readonly names: ReadonlyArray<string>
  /** `FILE`, `N`, ...; empty for a boolean flag. */
  readonly placeholder: string
  /** The allowed values of a choice. */
  readonly choices: ReadonlyArray<string>
  readonly description: string
  /** The default as shown to users, when there is one worth showing. */
  readonly defaultValue: string | undefined
  readonly optional: boolean
  readonly repeated: boolean
  readonly isBoolean: boolean
}

export interface ArgSpec {
  readonly name: string
  readonly description: string
  readonly optional: boolean
  readonly repeated: boolean
}

export interface CommandSpec {
  readonly name: string
  readonly description: string
  readonly flags: ReadonlyArray<FlagSpec>
  readonly args: ReadonlyArray<ArgSpec>
  readonly subcommands: ReadonlyArray<CommandSpec>
}

// biome-ignore lint/suspicious/noExplicitAny: @effect/cli's option, argument and command trees are internal
type Node = any

/** A help document as one line of plain text. */
export const plainText = (doc: HelpDoc.HelpDoc | undefined): string =>
  doc === undefined ? "" : withoutColour(HelpDoc.toAnsiText(doc)).replace(/\s+/g, " ").trim()

const placeholderOf = (primitive: Node, pseudoName: Option.Option<string>): string => {
  if (Option.isOption(pseudoName) && Option.isSome(pseudoName)) return pseudoName.value
  switch (primitive?._tag) {
    case "Bool":
      return ""
    case "Choice":
      return (primitive.alternatives as ReadonlyArray<[string, unknown]>).map(([name]) => name).join("|")
    case "Integer":
      return "N"
    case "Float":
      return "NUMBER"
    case "Path":
      return primitive.pathType === "directory" ? "DIR" : primitive.pathType === "file" ? "FILE" : "PATH"
    case "Secret":
    case "Redacted":
      return "SECRET"
    case "DateTime":
      return "DATE"
    default:
      return "TEXT"
  }
}

const shownDefault = (fallback: unknown): string | undefined => {
  const value = Option.isOption(fallback) ? Option.getOrUndefined(fallback) : fallback
  if (value === undefined || value === null || value === "" || typeof value === "boolean") return undefined
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(",")
  return String(value)
}

const flagsOf = (node: Node): Array<FlagSpec> => {
  switch (node?._tag) {
    case "Single":
    case "KeyValueMap": {
      const single = node._tag === "Single" ? node : node.argumentOption
      const primitive = single.primitiveType
      const isBoolean = primitive?._tag === "Bool"
      const aliases = (single.aliases as ReadonlyArray<string>).map((alias) =>
        alias.length === 1 ? `-${alias}` : `--${alias}`
      )
      return [
        {
          names: [single.fullName as string, ...aliases],
          placeholder: placeholderOf(primitive, single.pseudoName),
          choices:
            primitive?._tag === "Choice"
              ? (primitive.alternatives as ReadonlyArray<[string, unknown]>).map(([name]) => name)
              : [],
          description: plainText(single.description),
          defaultValue: undefined,
          optional: false,
          repeated: false,
          isBoolean
        }
      ]
    }
    case "Map":
    case "WithFallback":
      return flagsOf(node.options).map((flag) => (node._tag === "WithFallback" ? { ...flag, optional: true } : flag))
    case "Both":
      return [...flagsOf(node.left), ...flagsOf(node.right)]
    case "OrElse":
      return [...flagsOf(node.left), ...flagsOf(node.right)].map((flag) => ({ ...flag, optional: true }))
    case "Variadic":
      return flagsOf(node.argumentOption).map((flag) => ({
        ...flag,
        repeated: true,
        optional: Option.getOrElse(node.min as Option.Option<number>, () => 0) === 0
      }))
    case "WithDefault": {
      const defaultValue = shownDefault(node.fallback)
      return flagsOf(node.options).map((flag) => ({ ...flag, optional: true, defaultValue }))
    }
    default:
      return []
  }
}

const argsOf = (node: Node): Array<ArgSpec> => {
  switch (node?._tag) {
    case "Single":
      return [
        {
          name: Option.isOption(node.pseudoName) && Option.isSome(node.pseudoName) ? node.pseudoName.value : node.name,
          description: plainText(node.description),
          optional: false,
          repeated: false
        }
      ]
    case "Map":
      return argsOf(node.args)
    case "Both":
      return [...argsOf(node.left), ...argsOf(node.right)]
    case "Variadic":
      return argsOf(node.args).map((arg) => ({
        ...arg,
        repeated: true,
        optional: Option.getOrElse(node.min as Option.Option<number>, () => 0) === 0
      }))
    case "WithDefault":
    case "WithFallbackConfig":
      return argsOf(node.args).map((arg) => ({ ...arg, optional: true }))
    default:
      return []
  }
}

const specOf = (node: Node): CommandSpec | undefined => {
  switch (node?._tag) {
    case "Standard":
    case "GetUserInput":
      return {
        name: node.name,
        description: plainText(node.description),
        flags: node._tag === "Standard" ? flagsOf(node.options) : [],
        args: node._tag === "Standard" ? argsOf(node.args) : [],
        subcommands: []
      }
    case "Map":
      return specOf(node.command)
    case "Subcommands": {
      const parent = specOf(node.parent)
      if (parent === undefined) return undefined
      const children = (node.children as ReadonlyArray<Node>).map(specOf).filter((child) => child !== undefined)
      return { ...parent, subcommands: [...parent.subcommands, ...children] }
    }
    default:
      return undefined
  }
}

/** The reading of a command and its subcommands. */
export const commandSpec = <Name extends string, R, E, A>(command: Command.Command<Name, R, E, A>): CommandSpec =>
  specOf((command as Node).descriptor) ?? { name: "", description: "", flags: [], args: [], subcommands: [] }

/** The options every command takes, added by @effect/cli (`--wizard` is left out: it needs a terminal). */
export const globalFlags: ReadonlyArray<FlagSpec> = [
  {
    names: ["--help", "-h"],
    placeholder: "",
    choices: [],
    description: "show this help",
    defaultValue: undefined,
    optional: true,
    repeated: false,
    isBoolean: true
  },
  {
    names: ["--version"],
    placeholder: "",
    choices: [],
    description: "show Neat's version",
    defaultValue: undefined,
    optional: true,
    repeated: false,
    isBoolean: true
  },
  {
    names: ["--completions"],
    placeholder: "bash|zsh|fish",
    choices: ["bash", "zsh", "fish"],
    description: "print the shell completion script (see the README)",
    defaultValue: undefined,
    optional: true,
    repeated: false,
    isBoolean: false
  },
  {
    names: ["--log-level"],
    placeholder: "all|trace|debug|info|warning|error|fatal|none",
    choices: ["all", "trace", "debug", "info", "warning", "error", "fatal", "none"],
    description: "minimum level of the log messages shown",
    defaultValue: undefined,
    optional: true,
    repeated: false,
    isBoolean: false
  }
]

/**
 * The subcommand an argument list names (`["sim", "--hosts", "3"]` → sim), and the words that
 * led to it (`["neat", "sim"]`).
 */
export const commandNamed = (
  root: CommandSpec,
  args: ReadonlyArray<string>
): { readonly spec: CommandSpec; readonly path: ReadonlyArray<string> } => {
  let spec = root
  const path = [root.name]
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!
    if (word.startsWith("-")) {
      // A global option's value is not a command (`neat --log-level debug sim`).
      if (globalFlags.some((flag) => flag.placeholder !== "" && flag.names.includes(word))) i++
      continue
    }
    const child = spec.subcommands.find((sub) => sub.name === word)
    if (child === undefined) break
    spec = child
    path.push(child.name)
  }
  return { spec, path }
}
