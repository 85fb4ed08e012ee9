#!/usr/bin/env node
// Compiles Neat to plain JavaScript in dist/ with esbuild: the CLI, the sweep's worker and default
// runner, and the `neat/algorithms` API. One ESM build with code splitting, so that each command's
// implementation is a chunk of its own, imported only when that command runs. Every file goes
// directly in dist/ (src/packageRoot.ts counts on it). Packages with native code or their own
// loaders stay external, resolved from node_modules at run time. The build is written to a
// temporary folder and swapped in whole, so a process starting meanwhile never sees half of one.
// Usage: node scripts/build.mjs [--metafile]   (--metafile also writes dist/meta.json)
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")

/** The entry points, by output name (dist/NAME.js); src/packageRoot.ts's `distFile` names them so. */
const entryPoints = {
  cli: "src/server/cli/main.ts",
  "sweep-worker": "src/adapters/sim/sweep/worker.ts",
  "simulation-job": "src/adapters/sim/sweep/simulationJob.ts",
  algorithms: "src/algorithms/public.ts"
}

const external = ["better-sqlite3", "ssh2", "cpu-features", "pg", "pg-native", "mysql2", "tsx", "esbuild"]

// fast-check declares no `sideEffects` though it has none: marked so, esbuild leaves it out of the
// chunks that reach it only through effect's index.
const pureModules = {
  name: "pure-modules",
  setup(build) {
    build.onResolve({ filter: /^fast-check$/ }, async (args) => {
      if (args.pluginData === "pure") return undefined
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "pure"
      })
      return { ...resolved, sideEffects: false }
    })
  }
}

const started = Date.now()
const staging = join(root, `.dist-${process.pid}`)
rmSync(staging, { recursive: true, force: true })
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    plugins: [pureModules],
    chunkNames: "[name]-[hash]",
    // Tells the sources they run compiled (src/packageRoot.ts).
    define: { NEAT_COMPILED: "true" },
    // Some dependencies are CommonJS and require node's built-ins: give the ESM output a `require`.
    banner: {
      js: 'import { createRequire as __neatCreateRequire } from "node:module"; const require = __neatCreateRequire(import.meta.url);'
    },
    // Less to parse at every start; names are kept readable enough for error messages (they carry tags).
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning"
  })
  if (process.argv.includes("--metafile")) writeFileSync(join(staging, "meta.json"), JSON.stringify(result.metafile))
  // When the build began: the tests rebuild when a source is newer (test/support/freshBuild.ts).
  writeFileSync(join(staging, "build.json"), `${JSON.stringify({ startedAt: started })}\n`)
  const old = `${dist}.old-${process.pid}`
  if (existsSync(dist)) renameSync(dist, old)
  renameSync(staging, dist)
  rmSync(old, { recursive: true, force: true })
} catch (error) {
  rmSync(staging, { recursive: true, force: true })
  console.error(`neat: the build failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
console.error(`neat: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`)
