/**
 * Plain-JavaScript worker threads for TypeScript runners. A worker that loads a TypeScript runner
 * through tsx transforms its whole module graph (Effect included) on start-up, about 1.5–2.5 s of
 * CPU per worker; bundled once by esbuild (when it is installed) the same runner starts in a
 * fraction of that. The bundles go to a temporary directory (`neat-sweep-bundle-*`) removed by
 * `dispose` (a process killed outright leaves it behind). Without esbuild,
 * or when the bundle cannot be built or loaded here (e.g. a runner importing a native module),
 * workers load the sources as before. A bundled runner's `import.meta.url` is the bundle's, so
 * runners should not locate files relative to their own source.
 *
 * From the compiled build (dist/) the worker is prebuilt (dist/sweep-worker.js) and so is the
 * default runner: nothing is bundled at run time but a user's TypeScript runner, which the worker
 * otherwise loads through tsx.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { tsxApiUrl } from "../../../algorithms/catalogue/userModules.js"
import { distFile, isCompiled } from "../../../packageRoot.js"
import type { RunnerRef } from "./SweepJob.js"

/** What a pool starts its workers from. */
export interface WorkerEntry {
  /** The worker's entry module. */
  readonly entry: URL
  /** The runner the workers load. */
  readonly runner: RunnerRef
  /** Node options for the workers: none for bundles (no TypeScript loader), inherited otherwise. */
  readonly execArgv: ReadonlyArray<string> | undefined
  /** Removes the bundles, if any. */
  readonly dispose: () => void
}

interface Esbuild {
  readonly buildSync: (options: Record<string, unknown>) => unknown
}

const bootstrap = new URL("./workerBootstrap.mjs", import.meta.url)
const workerSource = new URL("./worker.ts", import.meta.url)

const isTypeScript = (path: string): boolean => /\.[cm]?tsx?$/.test(path)

const runnerPath = (module: string): string => (module.startsWith("file:") ? fileURLToPath(module) : module)

const loadEsbuild = async (): Promise<Esbuild | undefined> => {
  try {
    return (await import(createRequire(import.meta.url).resolve("esbuild"))) as Esbuild
  } catch {
    return undefined
  }
}

/** The sources as they are: the bootstrap registers tsx in the worker when it is needed. */
export const sourceWorkerEntry = (runner: RunnerRef): WorkerEntry => ({
  entry: bootstrap,
  runner,
  execArgv: undefined,
  dispose: () => {}
})

/**
 * Bundles the worker and a TypeScript runner for plain node; the sources as they are when the
 * runner is JavaScript, esbuild is missing or bundling fails. From the compiled build, the prebuilt
 * worker, with the runner bundled only when it is TypeScript.
 */
export const prepareWorkerEntry = async (runner: RunnerRef): Promise<WorkerEntry> => {
  const runnerFile = runnerPath(runner.module)
  if (isCompiled) return compiledWorkerEntry(runner, runnerFile)
  if (!isTypeScript(runnerFile) || !isTypeScript(fileURLToPath(workerSource))) return sourceWorkerEntry(runner)
  const bundler = await makeBundler()
  if (bundler === undefined) return sourceWorkerEntry(runner)
  try {
    const worker = bundler.build(fileURLToPath(workerSource), "worker.mjs")
    const bundledRunner = await bundler.buildRunner(runnerFile, runner.exportName)
    return { entry: pathToFileURL(worker), runner: bundledRunner, execArgv: [], dispose: bundler.dispose }
  } catch {
    bundler.dispose()
    return sourceWorkerEntry(runner)
  }
}

/** The prebuilt worker; a TypeScript runner bundled if it can be, else loaded by the worker through tsx. */
const compiledWorkerEntry = async (runner: RunnerRef, runnerFile: string): Promise<WorkerEntry> => {
  const prebuilt = { entry: distFile("sweep-worker"), runner, execArgv: [], dispose: () => {} }
  if (!isTypeScript(runnerFile)) return prebuilt
  const bundler = await makeBundler()
  if (bundler === undefined) return prebuilt
  try {
    const bundledRunner = await bundler.buildRunner(runnerFile, runner.exportName)
    return { ...prebuilt, runner: bundledRunner, dispose: bundler.dispose }
  } catch {
    bundler.dispose()
    return prebuilt
  }
}

interface Bundler {
  /** Bundles one entry into the temporary folder; the bundle's path. */
  readonly build: (entry: string, name: string) => string
  /** Bundles a runner and checks that the bundle loads here and has the export. */
  readonly buildRunner: (file: string, exportName: string) => Promise<RunnerRef>
  readonly dispose: () => void
}

const makeBundler = async (): Promise<Bundler | undefined> => {
  const esbuild = await loadEsbuild()
  if (esbuild === undefined) return undefined
  const dir = mkdtempSync(join(tmpdir(), "neat-sweep-bundle-"))
  const build = (entry: string, name: string): string => {
    const outfile = join(dir, name)
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "silent",
      // tsx cannot be bundled (it finds its loader beside its own file): user modules load through the installed one.
      define: { NEAT_TSX_API: JSON.stringify(tsxApiUrl()) }
    })
    return outfile
  }
  return {
    build,
    buildRunner: async (file, exportName) => {
      const bundled = build(file, "runner.mjs")
      // A bundle that cannot load here (a native module, a path relative to the source) would fail every job.
      const loaded = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>
      if (typeof loaded[exportName] !== "function") throw new Error("no such export")
      return { module: bundled, exportName }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true })
  }
}
