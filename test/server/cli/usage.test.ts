/**
 * The command line as a user meets it: help pages, usage errors (exit 2, the closest flag),
 * colour only on a terminal and never with NO_COLOR, shell completion, the old flag spellings,
 * and one algorithm syntax in every command.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Either } from "effect"
import { describe, expect, it, vi } from "vitest"
import { rewriteDeprecatedFlags, withParameters } from "../../../src/server/cli/deprecatedFlags.js"
import { closestFlag } from "../../../src/server/cli/suggestFlag.js"
import { neat, neatNodeArgs } from "../../support/neatCli.js"
import { projectRoot } from "../../support/projectRoot.js"

const esc = String.fromCharCode(27)
/** Children started together on a shared machine: generous time. */
const slow = { timeoutMs: 240_000 }
vi.setConfig({ testTimeout: 300_000 })

describe("neat's usage errors", () => {
  it("exit 2 and name the closest flag or command; domain errors keep 1 and the neat: prefix", async () => {
    const [typo, badValue, missing, command, domain] = await Promise.all([
      neat(["sim", "--hostz", "3"], slow),
      neat(["sim", "--hosts", "many"], slow),
      neat(["check"], slow),
      neat(["simm"], slow),
      neat(["sim", "--trace", "/no/such/trace.csv"], slow)
    ])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain("neat sim: unknown option --hostz; did you mean --hosts?")
    expect(typo.stderr).toContain("Run 'neat sim --help' for the options.")
    expect(badValue.status).toBe(2)
    expect(badValue.stderr).toContain("--hosts: 'many' is neither a positive number of hosts nor a hosts file (FILE.json)")
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain("Missing argument <REF>")
    expect(command.status).toBe(2)
    expect(command.stderr).toContain("neat: unknown command simm; did you mean sim?")
    expect(domain.status).toBe(1)
    expect(domain.stderr).toMatch(/^neat: /)
    for (const run of [typo, badValue, missing, command, domain]) expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it("suggest a flag only when it is close", () => {
    const flags = ["--hosts", "--trace", "--vm-order", "--overload", "--selection"]
    expect(closestFlag("--hostz", flags)).toBe("--hosts")
    expect(closestFlag("--vmorder", flags)).toBe("--vm-order")
    expect(closestFlag("--overlaod=lr", flags)).toBe("--overload")
    expect(closestFlag("--frobnicate", flags)).toBeUndefined()
  })
})

describe("neat --help", () => {
  it("reads neat COMMAND, shows placeholders, allowed values and defaults, and no filler", async () => {
    const [sim, sweep, serve, root] = await Promise.all([
      neat(["sim", "--help"], slow),
      neat(["sweep", "--help"], slow),
      neat(["serve", "--help"], slow),
      neat(["--help"], slow)
    ])
    for (const run of [sim, sweep, serve, root]) {
      expect(run.status).toBe(0)
      expect(run.stdout).not.toContain("A user-defined piece of text")
      expect(run.stdout).not.toContain("This setting is optional")
      // Not a terminal: no colour.
      expect(run.stdout).not.toContain(esc)
    }
    expect(sim.stdout).toMatch(/USAGE\n {2}neat sim \[--trace SPEC\] \[--vm-order FILE\] \[--hosts N\|FILE\.json\]/)
    expect(sim.stdout).toContain("[--policy cloudsim|npa|dvfs|neat]")
    expect(sim.stdout).toContain("[--overload NAME[:PARAMS]]...")
    expect(sim.stdout).toMatch(
      /--hosts N\|FILE\.json\n\s+number of hosts \(CloudSim's G4\/G5, alternating\), or a JSON file/
    )
    expect(sim.stdout).toMatch(/\(docs\/simulation\.md\)\. Default: 800\./)
    expect(sim.stdout).toMatch(/--format table\|json\n[^\n]*\n?\s*[^\n]*Default: table\./)
    // Repeated and defaulted options are optional in the usage.
    expect(sweep.stdout).toContain(
      "neat sweep [--policy cloudsim|npa|dvfs|neat]... [--param NAME=V1,V2]... [--trace SPEC]..."
    )
    expect(sweep.stdout).toMatch(/--out DIR\n[^\n]+\n?[^\n]*Default: sweep-results\./)
    expect(serve.stdout).toContain("--mode openstack|sim")
    expect(serve.stdout).toContain("--placement NAME[:PARAMS]")
    expect(serve.stdout).not.toContain("--cloud")
    expect(serve.stdout).not.toContain("--algorithm-vm-placement-factory")
    expect(root.stdout).toMatch(/COMMANDS\n {2}sim +Simulate/)
    expect(root.stdout).toMatch(/\n {2}local-manager +Run the local manager/)
  })
})

/** `script` (util-linux) runs the CLI on a pseudo-terminal, as a user's shell does. */
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0
const shellWord = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`

const onTerminal = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  spawnSync("script", ["-qec", [process.execPath, ...neatNodeArgs(args)].map(shellWord).join(" "), "/dev/null"], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, TERM: "xterm", ...env },
    timeout: 120_000
  })

describe("colour", () => {
  it.skipIf(!hasScript)("on a terminal, never with NO_COLOR (skipped without util-linux's script)", () => {
    const coloured = onTerminal(["sim", "--help"], { NO_COLOR: undefined })
    expect(coloured.status).toBe(0)
    expect(coloured.stdout).toContain(`${esc}[1mUSAGE`)
    const plain = onTerminal(["sim", "--help"], { NO_COLOR: "1" })
    expect(plain.status).toBe(0)
    expect(plain.stdout).toContain("USAGE")
    expect(plain.stdout).not.toContain(esc)
  })
})

const bash = spawnSync("bash", ["--version"], { encoding: "utf8" }).status === 0

describe("shell completion", () => {
  it.skipIf(!bash)("bash completes local-manager, its flags, and a choice's values one by one", async () => {
    const script = await neat(["--completions", "bash"], slow)
    expect(script.status).toBe(0)
    const file = join(mkdtempSync(join(tmpdir(), "neat-completion-")), "neat.bash")
    writeFileSync(file, script.stdout)
    // What bash does on TAB: COMP_WORDS and COMP_CWORD set, the function called with the command, word and previous word.
    const complete = (words: ReadonlyArray<string>): Array<string> => {
      const cword = words.length - 1
      const program = [
        `source ${shellWord(file)}`,
        "complete -p neat",
        `COMP_WORDS=(${words.map(shellWord).join(" ")})`,
        `COMP_CWORD=${cword}`,
        `_neat_bash_completions neat ${shellWord(words[cword]!)} ${shellWord(words[cword - 1]!)}`,
        'printf "%s\\n" "${COMPREPLY[@]}"'
      ].join("\n")
      const run = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { encoding: "utf8" })
      expect(run.status, run.stderr).toBe(0)
      const [registration, ...replies] = run.stdout.trim().split("\n")
      expect(registration).toContain("-F _neat_bash_completions")
      return replies.filter((reply) => reply !== "")
    }
    expect(complete(["neat", "local-"])).toEqual(["local-manager"])
    expect(complete(["neat", "db"])).toEqual(["db-clean"])
    expect(complete(["neat", "local-manager", "--local-h"])).toEqual(["--local-host-name"])
    expect(complete(["neat", "db-clean", "--o"])).toEqual(["--once"])
    expect(complete(["neat", "sim", "--policy", ""])).toEqual(["cloudsim", "npa", "dvfs", "neat"])
    expect(complete(["neat", "sim", "--policy", "n"])).toEqual(["npa", "neat"])
    expect(complete(["neat", "serve", "--mode", "s"])).toEqual(["sim"])
    // A number is not a file name.
    expect(complete(["neat", "sim", "--seed", ""])).toEqual([])
    // --hosts takes a number or a hosts file: file names are offered.
    expect(complete(["neat", "sim", "--hosts", "package.j"])).toEqual(["package.json"])
  })

  it("zsh and fish know the hyphenated commands", async () => {
    const [zsh, fish, sh] = await Promise.all([
      neat(["--completions", "zsh"], slow),
      neat(["--completions", "fish"], slow),
      neat(["--completions", "sh"], slow)
    ])
    expect(zsh.stdout).toContain("(local-manager)")
    expect(zsh.stdout).toContain("'local-manager:Run the local manager of this host'")
    expect(fish.stdout).toContain('__fish_seen_subcommand_from local-manager" -l local-host-name')
    expect(fish.stdout).toContain('-a "local-manager"')
    expect(sh.status).toBe(2)
  })
})

describe("the previous release's flag spellings", () => {
  const rewrite = (command: string, args: ReadonlyArray<string>) =>
    Either.getOrThrow(rewriteDeprecatedFlags(command, args))

  it("are rewritten to the new ones, each with a warning", () => {
    expect(rewrite("serve", ["--cloud", "sim", "--request-freshness-window=5"])).toEqual({
      args: ["--mode", "sim", "--global-manager-request-max-age=5"],
      warnings: [
        "--cloud is deprecated and will be removed in the next release; use --mode",
        "--request-freshness-window is deprecated and will be removed in the next release; use --global-manager-request-max-age"
      ]
    })
    const local = rewrite("local-manager", [
      "--host-name",
      "h1",
      "--algorithm-overload-detection-factory",
      "mhod",
      "--algorithm-overload-detection-parameters",
      '{"otf": 0.2}',
      "--algorithm-vm-selection-factory",
      "mmt"
    ])
    expect(local.args).toEqual(["--local-host-name", "h1", "--overload", 'mhod:{"otf":0.2}', "--selection", "mmt"])
    expect(local.warnings).toHaveLength(4)
    expect(rewrite("whatif", ["--overload", 'otf:{"otf":0.1}', "--overload-parameters", '{"otf":0.3}']).args).toEqual([
      "--overload",
      'otf:{"otf":0.3}'
    ])
    // The new spellings pass untouched, as do other commands' flags.
    expect(rewrite("serve", ["--mode", "sim", "--placement", "best_fit_decreasing:{}"])).toEqual({
      args: ["--mode", "sim", "--placement", "best_fit_decreasing:{}"],
      warnings: []
    })
    expect(rewrite("sim", ["--cloud", "x"]).args).toEqual(["--cloud", "x"])
  })

  it("refuse parameters without their algorithm, or given twice", () => {
    const alone = rewriteDeprecatedFlags("serve", ["--algorithm-vm-placement-parameters", "{}"])
    expect(Either.isLeft(alone) && alone.left.message).toBe(
      "--algorithm-vm-placement-parameters is replaced by --placement NAME:JSON, which names the algorithm too"
    )
    const twice = withParameters("--overload", "lr:1.2", '{"safety": 1.1}')
    expect(Either.isLeft(twice) && twice.left.message).toContain("already sets its parameter")
    expect(Either.getOrThrow(withParameters("--overload", "./my.ts#detector", '{"a": 1}'))).toBe(
      './my.ts#detector:{"a":1}'
    )
  })

  it("still run, with a warning on stderr", async () => {
    const run = await neat(
      ["whatif", "--config", "/no/such/neat.conf", "--overload", "mhod", "--overload-parameters", "{}"],
      slow
    )
    expect(run.stderr).toContain(
      "neat: --overload-parameters is deprecated and will be removed in the next release; use --overload NAME:JSON"
    )
    expect(run.status).toBe(1)
  })
})

describe("one algorithm syntax, NAME[:PARAMS], in every command", () => {
  it("every command reads a reference through the catalogue's parser and names a bad one alike", async () => {
    const directory = mkdtempSync(join(tmpdir(), "neat-syntax-"))
    const bad = "mhod:{x"
    const notJson = /parameters are not JSON \(.*\): \{x/
    const runs = await Promise.all([
      neat(["sim", "--overload", bad], slow),
      neat(["sweep", "--param", `overload=${bad}`, "--out", join(directory, "sweep"), "--quiet"], slow),
      neat(["whatif", "--overload", bad], slow),
      neat(["serve", "--mode", "sim", "--os-admin-password", "x", "--placement", "best_fit_decreasing:{x"], slow),
      neat(
        [
          "local-manager",
          "--local-data-directory",
          directory,
          "--os-admin-password",
          "x",
          "--host-cpu-mhz",
          "2000",
          "--overload",
          bad
        ],
        slow
      ),
      neat(["check", bad], slow),
      neat(["decide"], {
        ...slow,
        stdin: JSON.stringify([{ algorithm: `overload/${bad}`, input: { utilization: [0.5] } }])
      })
    ])
    for (const run of runs) {
      expect(run.status, run.stderr).toBe(1)
      expect(run.stderr).toMatch(notJson)
      expect(run.stderr).toMatch(/^neat: /)
    }
  })
})
