/**
 * `neat --completions bash|zsh|fish`: @effect/cli's scripts, with what its bash script gets wrong
 * put right: hyphenated subcommands (`local-manager`, `db-clean`) are matched by their real names,
 * a choice's values are offered one by one, and only options that take a path complete file names.
 */
import { Command } from "@effect/cli"
import { Effect } from "effect"
import type { CommandSpec } from "./commandSpec.js"

export const completionShells = ["bash", "zsh", "fish"] as const
export type CompletionShell = (typeof completionShells)[number]

/** Placeholders of options whose values are (or may be) paths. */
const takesPath = (placeholder: string): boolean => /FILE|DIR|PATH|SPEC|MODULE/.test(placeholder)

/** Repairs @effect/cli's bash script for the commands of `root`. */
export const repairBashScript = (script: string, root: CommandSpec): string => {
  const commandById = new Map<string, CommandSpec>([[root.name, root]])
  for (const sub of root.subcommands) commandById.set(`${root.name}__${sub.name.replaceAll("-", "__")}`, sub)
  let command: CommandSpec | undefined
  let flag: string | undefined
  return script
    .split("\n")
    .map((line) => {
      // `neat,local__manager)`: the word typed is `local-manager`.
      const caseWord = /^(\s+)([\w]+),([\w]+)\)$/.exec(line)
      if (caseWord !== null) {
        const sub = root.subcommands.find((s) => s.name.replaceAll("-", "__") === caseWord[3])
        return sub === undefined ? line : `${caseWord[1]}${caseWord[2]},${sub.name})`
      }
      const commandCase = /^\s+([\w]+)\)$/.exec(line)
      if (commandCase !== null && commandById.has(commandCase[1]!)) {
        command = commandById.get(commandCase[1]!)
        return line
      }
      const flagCase = /^\s+(--?[\w-]+)\)$/.exec(line)
      if (flagCase !== null) {
        flag = flagCase[1]
        return line
      }
      const choices = /^(.*compgen -W ")([^"]*)(" -- "\$\{cur\}".*)$/.exec(line)
      if (choices !== null && flag !== undefined) return `${choices[1]}${choices[2]!.replaceAll(",", " ")}${choices[3]}`
      if (line.includes('compgen -f "${cur}"') && command !== undefined && flag !== undefined) {
        const spec = command.flags.find((f) => f.names.includes(flag!))
        if (spec !== undefined && !takesPath(spec.placeholder)) return line.replace(/\$\(compgen -f "\$\{cur\}"\)/, "")
      }
      return line
    })
    .join("\n")
}

/** The completion script of `root` for `shell`. */
export const completionScript = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>,
  spec: CommandSpec,
  shell: CompletionShell
): Effect.Effect<string> => {
  const lines =
    shell === "bash"
      ? Command.getBashCompletions(root, spec.name)
      : shell === "zsh"
        ? Command.getZshCompletions(root, spec.name)
        : Command.getFishCompletions(root, spec.name)
  return Effect.map(lines, (all) => {
    const script = all.join("\n")
    return shell === "bash" ? repairBashScript(script, spec) : script
  })
}
