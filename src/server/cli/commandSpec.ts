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

/**
 * A description rendered when first read: a command runs after reading every command's flags (to
 * refuse unknown ones), but only help and completion show descriptions, and rendering them all
 * is a good part of a command's start-up. An own enumerable getter, so that the specs still
 * compare and print as plain objects.
 */
const withDescription = <A extends object>(
  fields: A,
  doc: HelpDoc.HelpDoc | undefined
): A & { readonly description: string } => {
  let text: string | undefined
  return Object.defineProperty(fields, "description", {
    enumerable: true,
    get: () => {
      text ??= plainText(doc)
      return text
    }
  }) as A & { readonly description: string }
}

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

/**
 * What the wrappers around a flag say of it. Read from the outside in, the outermost wrapper that
 * sets a field decides it; fields no wrapper sets take the flag's own values.
 */
interface FlagWrapping {
  readonly optional?: boolean
  readonly repeated?: boolean
  readonly defaultValue?: string | undefined
}

/** `wrapping` with the fields an inner wrapper sets, where no outer wrapper set them. */
const inner = (wrapping: FlagWrapping, set: FlagWrapping): FlagWrapping => ({ ...set, ...wrapping })

const flagsOf = (node: Node, wrapping: FlagWrapping = {}): Array<FlagSpec> => {
  switch (node?._tag) {
    case "Single":
    case "KeyValueMap": {
      const single = node._tag === "Single" ? node : node.argumentOption
      const primitive = single.primitiveType
      const isBoolean = primitive?._tag === "Bool"
      const aliases = (single.aliases as ReadonlyArray<string>).map((alias) =>
        alias.length === 1 ? `-${alias}` : `--${alias}`
      )
      const flag = {
        names: [single.fullName as string, ...aliases],
        placeholder: placeholderOf(primitive, single.pseudoName),
        choices:
          primitive?._tag === "Choice"
            ? (primitive.alternatives as ReadonlyArray<[string, unknown]>).map(([name]) => name)
            : [],
        defaultValue: "defaultValue" in wrapping ? wrapping.defaultValue : undefined,
        optional: wrapping.optional ?? false,
        repeated: wrapping.repeated ?? false,
        isBoolean
      }
      return [withDescription(flag, single.description)]
    }
    case "Map":
      return flagsOf(node.options, wrapping)
    case "WithFallback":
      return flagsOf(node.options, inner(wrapping, { optional: true }))
    case "Both":
      return [...flagsOf(node.left, wrapping), ...flagsOf(node.right, wrapping)]
    case "OrElse": {
      const optional = inner(wrapping, { optional: true })
      return [...flagsOf(node.left, optional), ...flagsOf(node.right, optional)]
    }
    case "Variadic":
      return flagsOf(
        node.argumentOption,
        inner(wrapping, {
          repeated: true,
          optional: Option.getOrElse(node.min as Option.Option<number>, () => 0) === 0
        })
      )
    case "WithDefault":
      return flagsOf(node.options, inner(wrapping, { optional: true, defaultValue: shownDefault(node.fallback) }))
    default:
      return []
  }
}

const argsOf = (node: Node, wrapping: FlagWrapping = {}): Array<ArgSpec> => {
  switch (node?._tag) {
    case "Single": {
      const arg = {
        name: Option.isOption(node.pseudoName) && Option.isSome(node.pseudoName) ? node.pseudoName.value : node.name,
        optional: wrapping.optional ?? false,
        repeated: wrapping.repeated ?? false
      }
      return [withDescription(arg, node.description)]
    }
    case "Map":
      return argsOf(node.args, wrapping)
    case "Both":
      return [...argsOf(node.left, wrapping), ...argsOf(node.right, wrapping)]
    case "Variadic":
      return argsOf(
        node.args,
        inner(wrapping, {
          repeated: true,
          optional: Option.getOrElse(node.min as Option.Option<number>, () => 0) === 0
        })
      )
    case "WithDefault":
    case "WithFallbackConfig":
      return argsOf(node.args, inner(wrapping, { optional: true }))
    default:
      return []
  }
}

const specOf = (node: Node, subcommands: ReadonlyArray<CommandSpec> = []): CommandSpec | undefined => {
  switch (node?._tag) {
    case "Standard":
    case "GetUserInput": {
      const spec = {
        name: node.name as string,
        flags: node._tag === "Standard" ? flagsOf(node.options) : [],
        args: node._tag === "Standard" ? argsOf(node.args) : [],
        subcommands
      }
      return withDescription(spec, node.description)
    }
    case "Map":
      return specOf(node.command, subcommands)
    case "Subcommands": {
      const children = (node.children as ReadonlyArray<Node>)
        .map((child) => specOf(child))
        .filter((child) => child !== undefined)
      return specOf(node.parent, [...children, ...subcommands])
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
