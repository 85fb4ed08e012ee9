/**
 * What a run of the compiled CLI loaded: the files node loaded (recorded by loads/record.mjs) and,
 * through dist/modules.json (written by the build), the sources and packages those files hold.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { neatBin } from "./neatCli.js"
import { projectRoot } from "./projectRoot.js"

const recorder = fileURLToPath(new URL("./loads/record.mjs", import.meta.url))

export interface LoadedRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** The URLs of the modules node loaded. */
  readonly urls: ReadonlyArray<string>
  /** Sources (src/...) and packages (by name) held by the loaded files of dist/, and the packages loaded from node_modules. */
  readonly modules: ReadonlySet<string>
}

const packageOf = (url: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]

/** Runs `node bin/neat.js ...args`, recording what it loads. */
export const runRecordingLoads = (args: ReadonlyArray<string>, timeoutMs = 60_000): LoadedRun => {
  const dir = mkdtempSync(join(tmpdir(), "neat-loads-"))
  try {
    const record = join(dir, "loads.txt")
    const run = spawnSync(process.execPath, ["--import", recorder, neatBin, ...args], {
      cwd: projectRoot,
      encoding: "utf8",
      env: { ...process.env, NEAT_RECORD_LOADS: record },
      timeout: timeoutMs
    })
    const urls = readFileSync(record, "utf8")
      .split("\n")
      .filter((line) => line !== "")
    const held = JSON.parse(readFileSync(join(projectRoot, "dist/modules.json"), "utf8")) as Record<
      string,
      ReadonlyArray<string>
    >
    const dist = `${pathToFileURL(join(projectRoot, "dist")).href}/`
    const modules = new Set<string>()
    for (const url of urls) {
      if (url.startsWith(dist)) for (const module of held[url.slice(dist.length)] ?? []) modules.add(module)
      const inPackage = packageOf(url)
      if (inPackage !== undefined) modules.add(inPackage)
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, urls, modules }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
