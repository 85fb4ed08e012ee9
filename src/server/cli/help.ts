/**
 * `neat [COMMAND] --help`: the usage line as a user types it (`neat sim [--hosts N] ...`), each
 * option with its placeholder, allowed values and default, and the subcommands. Bold headings
 * only when colour is on (see colour.ts).
 */
import type { ArgSpec, CommandSpec, FlagSpec } from "./commandSpec.js"
import { globalFlags } from "./commandSpec.js"

const bold = (text: string, colour: boolean) => (colour ? `\u001b[1m${text}\u001b[22m` : text)

/** Words wrapped to `width`, each line after the first indented by `indent`. */
const wrap = (text: string, width: number, indent: string): string => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/[ \t\n]+/).filter((w) => w !== "")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") lines.push(line)
  return lines.map((l) => indent + l).join("\n")
}

/** `--hosts N`, `--policy cloudsim|npa`, `--quiet`. */
export const flagSignature = (flag: FlagSpec): string =>
  flag.placeholder === "" ? flag.names[0]! : `${flag.names[0]!} ${flag.placeholder}`

const usageOfFlag = (flag: FlagSpec): string => {
  const signature = flagSignature(flag)
  const once = flag.optional ? `[${signature}]` : signature
  return flag.repeated ? `${once}...` : once
}

const usageOfArg = (arg: ArgSpec): string => {
  const once = arg.optional ? `[${arg.name}]` : arg.name
  return arg.repeated ? `${once}...` : once
}

/** One option's entry: its signature, then its description, allowed values and default. */
const describeFlag = (flag: FlagSpec, width: number, colour: boolean): string => {
  const names = flag.names.length > 1 ? `${flag.names.slice(1).join(", ")}, ` : ""
  const facts = [
    flag.description.replace(/\.?$/, flag.description === "" ? "" : "."),
    flag.choices.length > 0 && flag.placeholder !== flag.choices.join("|") ? `One of: ${flag.choices.join(", ")}.` : "",
    flag.defaultValue === undefined ? "" : `Default: ${flag.defaultValue}.`,
    flag.repeated ? "Repeatable." : ""
  ].filter((fact) => fact !== "")
  const head = `  ${bold(`${names}${flagSignature(flag)}`, colour)}`
  return facts.length === 0 ? head : `${head}\n${wrap(facts.join(" "), width, "      ")}`
}

/** The help page of `spec`, reached by the words `path` (`["neat", "sim"]`). */
export const renderHelp = (
  spec: CommandSpec,
  path: ReadonlyArray<string>,
  options: { readonly colour: boolean; readonly width: number; readonly version: string }
): string => {
  const { colour, width } = options
  const command = path.join(" ")
  const sections: Array<string> = []
  const title = `${spec.description === "" ? "" : `- ${spec.description}`}${path.length === 1 ? ` (version ${options.version})` : ""}`
  sections.push(`${bold(command, colour)} ${wrap(title, width - command.length - 1, "  ").trimStart()}`)
  // Each item kept on one line: a flag is never parted from its placeholder.
  const usage = [
    command,
    ...(spec.subcommands.length > 0 ? ["COMMAND"] : []),
    ...spec.flags.map(usageOfFlag),
    ...spec.args.map(usageOfArg)
  ]
    .map((item) => item.replaceAll(" ", "\u00a0"))
    .join(" ")
  sections.push(`${bold("USAGE", colour)}\n  ${wrap(usage, width, "      ").trimStart().replaceAll("\u00a0", " ")}`)
  if (spec.subcommands.length > 0) {
    const longest = Math.max(...spec.subcommands.map((sub) => sub.name.length))
    const lines = spec.subcommands.map((sub) => {
      const text = wrap(sub.description, width, " ".repeat(longest + 4)).trimStart()
      return `  ${bold(sub.name, colour)}${" ".repeat(longest - sub.name.length + 2)}${text}`
    })
    sections.push(
      `${bold("COMMANDS", colour)}\n${lines.join("\n")}\n\n${wrap(`Run '${command} COMMAND --help' for a command's options.`, width, "  ")}`
    )
  }
  if (spec.args.length > 0) {
    sections.push(
      `${bold("ARGUMENTS", colour)}\n${spec.args
        .map((arg) => `  ${bold(arg.name, colour)}\n${wrap(arg.description, width, "      ")}`)
        .join("\n")}`
    )
  }
  if (spec.flags.length > 0) {
    sections.push(
      `${bold("OPTIONS", colour)}\n${spec.flags.map((flag) => describeFlag(flag, width, colour)).join("\n")}`
    )
  }
  sections.push(
    `${bold("GLOBAL OPTIONS", colour)}\n${globalFlags.map((flag) => describeFlag(flag, width, colour)).join("\n")}`
  )
  return `${sections.join("\n\n")}\n`
}
