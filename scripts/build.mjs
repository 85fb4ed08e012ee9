#!/usr/bin/env node
// Compiles Neat to plain JavaScript in dist/ with esbuild: the CLI, the sweep's worker and default
// runner, and the `neat/algorithms` API. One ESM build with code splitting, so that each command's
// implementation is a chunk of its own, imported only when that command runs; each chunk is then
// made a CommonJS script, which bin/neat.js compiles with V8's code cache (dist/code-cache/, written
// at the end by running `neat --help` and a small `neat sim`). Every file goes directly in dist/
// (src/packageRoot.ts counts on it). Packages with native code or their own loaders stay external,
// resolved from node_modules at run time. The build is written to a temporary folder and swapped
// in whole, so a process starting meanwhile never sees half of one.
// Usage: node scripts/build.mjs [--metafile]   (--metafile also writes esbuild's dist/meta.json)
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build, transform } from "esbuild"

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

// fast-check declares no `sideEffects` though it has none: marked so, esbuild keeps only what is
// used of it. Effect's Schema module uses it in one function (the arbitrary of non-empty chunks),
// which would put fast-check in every command's start-up chunk through @effect/cli: Schema gets a
// stand-in that loads fast-check on that call instead (Neat builds no such arbitrary; `neat check`
// has fast-check in its own chunk).
const lazyFastCheckForSchema = `
import { createRequire } from "node:module"
const load = () => createRequire(import.meta.url)("fast-check")
export const array = (...args) => load().array(...args)
`

const pureModules = {
  name: "pure-modules",
  setup(build) {
    build.onResolve({ filter: /^\.\/FastCheck\.js$/ }, (args) =>
      /[\\/]effect[\\/]dist[\\/]esm[\\/]Schema\.js$/.test(args.importer)
        ? { path: "fast-check-for-schema", namespace: "neat-lazy" }
        : undefined
    )
    build.onLoad({ filter: /.*/, namespace: "neat-lazy" }, () => ({
      contents: lazyFastCheckForSchema,
      loader: "js",
      resolveDir: root
    }))
    build.onResolve({ filter: /^(fast-check$|\.)/ }, async (args) => {
      if (args.pluginData === "pure") return undefined
      if (args.path !== "fast-check" && !args.importer.includes("/node_modules/fast-check/")) return undefined
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

/** Output file name → the sources (src/...) and packages (the package's name) it holds. */
const moduleMap = (metafile) =>
  Object.fromEntries(
    Object.entries(metafile.outputs).map(([output, { inputs }]) => {
      const held = new Set()
      for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
        if (bytesInOutput === 0) continue
        const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)
        held.add(inPackage === null ? input : inPackage[1])
      }
      return [output.slice(output.lastIndexOf("/") + 1), [...held].sort()]
    })
  )

// Effect's packages re-export every module from their index (`export * as Effect from
// "./Effect.js"`). With code splitting, a chunk importing an index depends on every module the
// index names that any other chunk uses: `neat --help` would load fast-check (which the `check`
// command uses through effect's index) and the HTTP router (which `serve` uses). So the sources'
// named imports of those indexes are rewritten to the modules themselves, as the packages'
// documentation advises for bundle size: `import { Effect, pipe } from "effect"` becomes
// `import * as Effect from "effect/Effect"` and `import { pipe } from "effect"`.
const indexedPackages = ["effect", "@effect/platform", "@effect/cli", "@effect/platform-node"]

const namespacesOf = (name) => {
  const index = readFileSync(join(root, "node_modules", name, "dist/esm/index.js"), "utf8")
  return new Set([...index.matchAll(/^export \* as (\w+) from "\.\/(\w+)\.js"/gm)].map((match) => match[1]))
}

const directImports = {
  name: "direct-imports",
  setup(build) {
    const namespaces = new Map(indexedPackages.map((name) => [name, namespacesOf(name)]))
    const importFromIndex = /import\s+\{([^}]*)\}\s+from\s+"(effect|@effect\/platform|@effect\/cli|@effect\/platform-node)"/g
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, "utf8")
      const contents = source.replace(importFromIndex, (_, names, from) => {
        const direct = []
        const kept = []
        for (const raw of names.split(",")) {
          const name = raw.trim()
          if (name === "") continue
          if (!name.startsWith("type ") && namespaces.get(from).has(name)) direct.push(name)
          else kept.push(name)
        }
        const lines = direct.map((name) => `import * as ${name} from "${from}/${name}"`)
        if (kept.length > 0) lines.push(`import { ${kept.join(", ")} } from "${from}"`)
        return lines.join("; ")
      })
      return { contents, loader: "ts" }
    })
  }
}

// Node 20 keeps no compiled code for ES modules, so every start compiled the CLI's 0.6 MB again
// (about 60 ms of the main thread before a command's handler). CommonJS scripts compiled through
// `vm.Script` can be given V8's code cache, which bin/neat.js does. So every output of the ESM
// build becomes a CommonJS script (dist/package.json says so), chunk for chunk: its imports of
// other chunks become `require`s, its dynamic imports of chunks a `require` in a promise, its other
// dynamic imports (users' modules, tsx) go through bin/neat.js's `import` (a script compiled with a
// code cache loses node's dynamic import callback), its `import.meta.url` becomes the file's URL,
// and its exports, once it has run, plain values (esbuild's
// getters would cost a call at every use across chunks, a third more time in a cold simulation;
// the chunks import each other without cycles, and no exported binding changes after its module
// has run). The sweep's worker awaits at its top level, which CommonJS cannot: it stays an ES
// module (sweep-worker.mjs, importing the CommonJS chunks by name), started by a stub.
const esmBanner =
  'import { createRequire as __neatCreateRequire } from "node:module"; const require = __neatCreateRequire(import.meta.url);\n'
const cjsBanner =
  '"use strict";var __neatMetaUrl=require("node:url").pathToFileURL(__filename).href,__neatImport=(c)=>Promise.resolve().then(()=>require(c)),__neatImportModule=(m)=>module.neatImport?module.neatImport(m):import(m);'
const cjsFooter =
  ';{const e=module.exports;module.exports=Object.defineProperty(Object.fromEntries(Object.keys(e).map((k)=>[k,e[k]])),"__esModule",{value:!0})}'

const toCommonJs = async (file) => {
  let code = readFileSync(file, "utf8")
  if (!code.startsWith(esmBanner)) throw new Error(`${file} does not start with the build's banner`)
  code = code
    .slice(esmBanner.length)
    .replace(/\bimport\("(\.\/[\w-]+\.js)"\)/g, '__neatImport("$1")')
    .replace(/\bimport\(/g, "__neatImportModule(")
  const result = await transform(code, {
    format: "cjs",
    platform: "node",
    target: "node20",
    minify: true,
    legalComments: "none",
    define: { "import.meta.url": "__neatMetaUrl" },
    banner: cjsBanner,
    footer: cjsFooter,
    logLevel: "warning"
  })
  writeFileSync(file, result.code)
}

/** The chunks' static imports of each other form no cycle (the exports are taken when a chunk has run). */
const checkAcyclic = (metafile) => {
  const state = new Map()
  const visit = (output, path) => {
    if (state.get(output) === "done") return
    if (state.get(output) === "visiting") throw new Error(`the chunks import each other in a cycle: ${[...path, output].join(" → ")}`)
    state.set(output, "visiting")
    for (const { path: imported, kind } of metafile.outputs[output].imports) {
      if (kind === "import-statement" && imported in metafile.outputs) visit(imported, [...path, output])
    }
    state.set(output, "done")
  }
  for (const output of Object.keys(metafile.outputs)) visit(output, [])
}

const workerStub = 'import("./sweep-worker.mjs")\n'

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
    plugins: [pureModules, directImports],
    chunkNames: "[name]-[hash]",
    // Tells the sources they run compiled (src/packageRoot.ts).
    define: { NEAT_COMPILED: "true" },
    // Some dependencies are CommonJS and require node's built-ins: give the ESM output a `require`.
    banner: {
      js: 'import { createRequire as __neatCreateRequire } from "node:module"; const require = __neatCreateRequire(import.meta.url);'
    },
    // Less to parse at every start. Errors reach users by their tags and messages, not by class or
    // function names; only an internal error's stack trace shows the shortened names.
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning"
  })
  if (process.argv.includes("--metafile")) writeFileSync(join(staging, "meta.json"), JSON.stringify(result.metafile))
  checkAcyclic(result.metafile)
  renameSync(join(staging, "sweep-worker.js"), join(staging, "sweep-worker.mjs"))
  await Promise.all(
    readdirSync(staging)
      .filter((name) => name.endsWith(".js"))
      .map((name) => toCommonJs(join(staging, name)))
  )
  writeFileSync(join(staging, "sweep-worker.js"), workerStub)
  writeFileSync(join(staging, "package.json"), '{ "type": "commonjs" }\n')
  // What each output file holds, a source file or a package: tests check what a command loads by it.
  const modules = moduleMap(result.metafile)
  modules["sweep-worker.mjs"] = modules["sweep-worker.js"]
  modules["sweep-worker.js"] = []
  writeFileSync(join(staging, "modules.json"), `${JSON.stringify(modules)}\n`)
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
// V8's code caches (bin/neat.js): written by running what users run first, so that they hold the
// functions those runs compile; `sim` after `--help`, adding to the caches of the chunks both load.
// A failed warm-up leaves the caches to the first runs.
for (const args of [["--help"], ["sim", "--trace", "synthetic:vms=20,seed=1,days=0.2", "--hosts", "20"]]) {
  const run = spawnSync(process.execPath, [join(root, "bin/neat.js"), ...args], {
    env: { ...process.env, NEAT_CODE_CACHE: "refresh" },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8"
  })
  if (run.status !== 0) console.error(`neat: warming the code cache with neat ${args.join(" ")} failed: ${run.stderr}`)
}
console.error(`neat: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`)
