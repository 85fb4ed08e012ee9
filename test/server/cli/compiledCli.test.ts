/**
 * The compiled CLI, as the installed `neat` runs it (node bin/neat.js → dist/, no tsx, no
 * TypeScript sources): --help, sim, decide and serve --mode sim work, and each command loads only
 * what it uses (modules recorded by a module hook, mapped to sources and packages through the
 * build's dist/modules.json).
 */
import { spawnSync } from "node:child_process"
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runRecordingLoads } from "../../support/loadedModules.js"
import { neatBin } from "../../support/neatCli.js"
import { projectRoot } from "../../support/projectRoot.js"
import { startServedCli } from "../../support/servedCli.js"

const scratch = mkdtempSync(join(tmpdir(), "neat-compiled-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** What the commands that run no server, store or cloud must never load. */
const serverPackages = ["ssh2", "pg", "mysql2", "kysely", "better-sqlite3", "undici", "ws", "find-my-way-ts"]
const serverSources = ["src/server/http/", "src/server/db/", "src/adapters/nova/", "src/server/live/"]

/**
 * Small modules of plain values that options show (serve's defaults, sim's policies and metric
 * names), and the algorithm-reference splitter the command line uses to rewrite old flag spellings.
 */
const optionModules = [
  "src/server/http/GlobalManagerOptions.ts",
  "src/adapters/sim/SimulationOptions.ts",
  "src/adapters/sim/formatMetrics.ts",
  "src/adapters/sim/sweep/metricColumns.ts",
  "src/algorithms/catalogue/reference.ts",
  "src/algorithms/catalogue/loadedModules.ts"
]

const neverLoaded = (modules: ReadonlySet<string>, names: ReadonlyArray<string>, prefixes: ReadonlyArray<string>) =>
  [...modules].filter(
    (module) =>
      !optionModules.includes(module) &&
      (names.includes(module) || prefixes.some((prefix) => module.startsWith(prefix)))
  )

/** A two-VM CSV trace: a small day for the simulator. */
const smallTrace = (): string => {
  const file = join(scratch, "trace.csv")
  const rows = ["vm,time,cpu_percent"]
  for (let step = 0; step < 48; step++) {
    rows.push(`a,${step * 300},${20 + (step % 5) * 10}`, `b,${step * 300},${60 - (step % 4) * 10}`)
  }
  writeFileSync(file, `${rows.join("\n")}\n`)
  return file
}

describe("the compiled CLI", () => {
  it("runs from dist/ without tsx or the TypeScript sources", () => {
    const run = runRecordingLoads(["--help"])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("sim")
    expect(run.stdout).toContain("serve")
    expect(run.urls.some((url) => url.endsWith("/dist/cli.js"))).toBe(true)
    expect(run.urls.filter((url) => url.includes("/node_modules/tsx/") || url.endsWith(".ts"))).toEqual([])
  })

  it("says to run npm install, with no stack trace, when dist/ is missing", () => {
    const unbuilt = join(scratch, "unbuilt")
    mkdirSync(join(unbuilt, "bin"), { recursive: true })
    copyFileSync(neatBin, join(unbuilt, "bin/neat.js"))
    const run = spawnSync(process.execPath, [join(unbuilt, "bin/neat.js"), "--help"], { encoding: "utf8" })
    expect(run.status).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toBe(
      `neat: the compiled CLI is missing (${join(unbuilt, "dist/cli.js")}); run npm install (or npm run build) in ${unbuilt}/\n`
    )
  })

  it("runs with V8's code caches, written by the build, and replaces a corrupt or foreign one", () => {
    const dist = join(projectRoot, "dist")
    const cached = readdirSync(join(dist, "code-cache"))
    const helpRun = runRecordingLoads(["--help"])
    const helpScripts = helpRun.urls
      .filter((url) => url.includes("/dist/"))
      .map((url) => url.slice(url.lastIndexOf("/") + 1))
    expect(helpScripts).toContain("cli.js")
    expect(helpScripts.filter((script) => !cached.includes(`${script}.v8`))).toEqual([])

    // A copy of the package, its caches damaged: one of garbage, one another script's.
    const copy = join(scratch, "cache-copy")
    mkdirSync(join(copy, "bin"), { recursive: true })
    copyFileSync(neatBin, join(copy, "bin/neat.js"))
    cpSync(dist, join(copy, "dist"), { recursive: true })
    const caches = join(copy, "dist/code-cache")
    const other = helpScripts.find((script) => script !== "cli.js") ?? "cli.js"
    writeFileSync(join(caches, "cli.js.v8"), Buffer.from("not a code cache"))
    copyFileSync(join(dist, "code-cache", "cli.js.v8"), join(caches, `${other}.v8`))
    const run = spawnSync(process.execPath, [join(copy, "bin/neat.js"), "--help"], { encoding: "utf8" })
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(helpRun.stdout)
    // Rewritten at exit, from the scripts themselves.
    expect(readFileSync(join(caches, "cli.js.v8")).toString()).not.toBe("not a code cache")
    expect(readFileSync(join(caches, `${other}.v8`)).equals(readFileSync(join(dist, "code-cache", "cli.js.v8")))).toBe(
      other === "cli.js"
    )
    expect(readdirSync(caches).filter((name) => !name.endsWith(".v8"))).toEqual([])

    // A script changed in place, of the same length: its stale cache is not used.
    const changed = helpScripts.find((script) =>
      readFileSync(join(copy, "dist", script), "utf8").includes("Energy-efficient dynamic")
    )
    expect(changed).toBeDefined()
    const changedFile = join(copy, "dist", changed ?? "")
    writeFileSync(
      changedFile,
      readFileSync(changedFile, "utf8").replace("Energy-efficient dynamic", "ENERGY-EFFICIENT DYNAMIC")
    )
    const stale = spawnSync(process.execPath, [join(copy, "bin/neat.js"), "--help"], { encoding: "utf8" })
    expect(stale).toMatchObject({ status: 0, stderr: "" })
    expect(stale.stdout).toContain("ENERGY-EFFICIENT DYNAMIC")

    // Without caches (a fresh copy), and with them off: the same output, and none written when off.
    rmSync(caches, { recursive: true })
    const off = spawnSync(process.execPath, [join(copy, "bin/neat.js"), "--help"], {
      encoding: "utf8",
      env: { ...process.env, NEAT_CODE_CACHE: "off" }
    })
    expect(off).toMatchObject({ status: 0, stdout: stale.stdout, stderr: "" })
    expect(existsSync(caches)).toBe(false)
    const fresh = spawnSync(process.execPath, [join(copy, "bin/neat.js"), "--help"], { encoding: "utf8" })
    expect(fresh).toMatchObject({ status: 0, stdout: stale.stdout, stderr: "" })
    expect(readdirSync(caches)).toContain("cli.js.v8")

    // Where no cache can be written (as in a read-only dist/): it runs without, saying nothing.
    rmSync(caches, { recursive: true })
    writeFileSync(caches, "")
    const unwritable = spawnSync(process.execPath, [join(copy, "bin/neat.js"), "--help"], { encoding: "utf8" })
    expect(unwritable).toMatchObject({ status: 0, stdout: stale.stdout, stderr: "" })
  })

  // Options may name a policy or format metrics (small modules of their own); nothing more of a command loads.
  it("--help loads no command's implementation nor any of its dependencies", () => {
    const run = runRecordingLoads(["--help"])
    expect(run.status).toBe(0)
    const commandModules = ["fast-check", "src/algorithms/registry.ts", "src/server/config/NeatConfig.ts"]
    const commandFolders = ["src/server/cli/implementation/", "src/adapters/", "src/algorithms/", "src/server/"]
    const loaded = neverLoaded(
      run.modules,
      [...serverPackages, ...commandModules],
      [...serverSources, ...commandFolders]
    )
    // The command files themselves (options and descriptions) are all there is of src/server/.
    expect(
      loaded.filter((module) => !/^src\/server\/(cli\/[A-Za-z]+\.ts|config\/InvalidConfig\.ts)$/.test(module))
    ).toEqual([])
  })

  it("sim simulates a small trace and never loads the HTTP server, the stores, ssh2, pg or Kysely", () => {
    const run = runRecordingLoads(["sim", "--trace", smallTrace(), "--hosts", "2", "--format", "json"])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const metrics = JSON.parse(run.stdout) as Record<string, unknown>
    expect(typeof metrics.energy_kwh).toBe("number")
    expect(run.modules.has("src/adapters/sim/runSimulation.ts")).toBe(true)
    expect(neverLoaded(run.modules, serverPackages, serverSources)).toEqual([])
    expect(run.modules.has("src/server/simulated/serveSimulated.ts")).toBe(false)
    // tsx loads only with a user's TypeScript algorithm.
    expect(run.urls.filter((url) => url.includes("/node_modules/tsx/"))).toEqual([])
  })

  it("decide runs cases from a file", () => {
    const input = join(scratch, "cases.json")
    writeFileSync(
      input,
      JSON.stringify([{ algorithm: "overload/threshold", params: { threshold: 0.5 }, input: { utilization: [0.9] } }])
    )
    const run = runRecordingLoads(["decide", "--input", input])
    expect(run).toMatchObject({ status: 0, stdout: "[\ntrue\n]\n", stderr: "" })
    expect(neverLoaded(run.modules, serverPackages, serverSources)).toEqual([])
  })

  it("serve --mode sim answers /healthz on loopback and stops on SIGTERM", async () => {
    const served = await startServedCli([
      "serve",
      "--mode",
      "sim",
      "--trace",
      "synthetic:vms=4,seed=1,days=0.1",
      "--hosts",
      "2",
      "--global-manager-host",
      "127.0.0.1",
      "--global-manager-port",
      "0",
      "--os-admin-password",
      "pw"
    ])
    try {
      const response = await fetch(`${served.url}/healthz`)
      expect(response.status).toBe(200)
    } finally {
      await served.stop()
    }
  })
})
