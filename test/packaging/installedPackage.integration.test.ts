/**
 * The package as users get it: `npm pack` (of the build the tests run), then `npm install
 * --omit=dev` of the tarball in an empty project, with no dev dependency (no TypeScript, no
 * vitest), and the installed `neat` runs a simulation, with a user's TypeScript algorithm that
 * imports `neat/algorithms` too. npm may need the registry for what its cache lacks.
 */
import { execFile, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { projectRoot } from "../support/projectRoot.js"
import { thrSource } from "../support/userModules.js"

const scratch = mkdtempSync(join(tmpdir(), "neat-package-"))
const app = join(scratch, "app")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
// Asynchronous: the install takes minutes, during which the test worker must keep answering vitest.
const execute = promisify(execFile)

beforeAll(async () => {
  // --ignore-scripts: dist/ is already built (the global setup) and must not be swapped under the other tests.
  const packed = await execute(npm, ["pack", "--ignore-scripts", "--pack-destination", scratch], {
    cwd: projectRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000
  })
  const tarball = join(scratch, packed.stdout.trim().split("\n").at(-1) ?? "")
  mkdirSync(app)
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }))
  await execute(npm, ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", tarball], {
    cwd: app,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 900_000
  })
}, 1_000_000)
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const neat = (args: ReadonlyArray<string>) =>
  spawnSync(join(app, "node_modules/.bin/neat"), args, { cwd: app, encoding: "utf8", timeout: 60_000 })

describe("the installed package", () => {
  it("holds the compiled CLI and no dev dependency", () => {
    expect(existsSync(join(app, "node_modules/neat/dist/cli.js"))).toBe(true)
    for (const dev of ["typescript", "vitest", "@biomejs/biome", "@effect/vitest"]) {
      expect(existsSync(join(app, "node_modules", dev))).toBe(false)
    }
  })

  it("runs neat --help and neat sim", () => {
    const help = neat(["--help"])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain("sim")
    const sim = neat(["sim", "--trace", "synthetic:vms=20,seed=1,days=0.2", "--hosts", "10", "--format", "json"])
    expect(sim.stderr).toBe("")
    expect(sim.status).toBe(0)
    expect((JSON.parse(sim.stdout) as { vms: number }).vms).toBe(20)
  })

  it("runs a user's TypeScript algorithm importing neat/algorithms as the built-in it re-implements", () => {
    writeFileSync(join(app, "thr.ts"), thrSource)
    const args = ["sim", "--trace", "synthetic:vms=20,seed=1,days=0.2", "--hosts", "10", "--format", "json"]
    const user = neat([...args, "--overload", "./thr.ts#thr:0.8"])
    const builtIn = neat([...args, "--overload", "thr:0.8"])
    expect(user.stderr).toBe("")
    // The same metrics; the configuration names each algorithm as given, and the time taken differs.
    const metrics = (run: typeof user) => {
      const {
        wallSeconds: _,
        wall_seconds: __,
        configuration: ___,
        ...rest
      } = JSON.parse(run.stdout) as Record<string, unknown>
      return rest
    }
    expect(metrics(user)).toEqual(metrics(builtIn))
  })
})
