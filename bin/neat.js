#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install` through the `prepare` script, or `npm run build`).
//
// dist/ holds CommonJS scripts, compiled here with V8's code cache (dist/code-cache/NAME.js.v8):
// node 20 keeps no compiled code between runs, and compiling the CLI's scripts again at every start
// was a third of its start-up. A script whose cache is missing, or that V8 rejects (another node,
// other V8 flags, a changed script), is compiled from its source, and its cache written when the
// process exits, atomically (a cache begins with its script's digest); where dist/ is read-only (a global install) it just runs without.
// The build writes the caches (scripts/build.mjs runs `neat --help` and a small `neat sim`), taken
// after the run, so they hold the functions compiled lazily too. NEAT_CODE_CACHE=off runs without
// them; NEAT_CODE_CACHE=refresh rewrites them after the run (adding what this run compiled).
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import Module, { createRequire } from "node:module"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import vm from "node:vm"

const cli = new URL("../dist/cli.js", import.meta.url)
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL("..", import.meta.url))
  process.stderr.write(
    `neat: the compiled CLI is missing (${fileURLToPath(cli)}); run npm install (or npm run build) in ${root}\n`
  )
  process.exit(1)
}

const dist = fileURLToPath(new URL("../dist", import.meta.url))
const cacheDir = join(dist, "code-cache")
const mode = process.env.NEAT_CODE_CACHE ?? ""

const importModule = (specifier) => import(specifier)

if (mode !== "off") {
  /** Scripts whose cache to write at exit. */
  const toWrite = []
  const compileJs = Module._extensions[".js"]
  Module._extensions[".js"] = function (module, filename) {
    if (dirname(filename) !== dist) return compileJs.call(this, module, filename)
    const cacheFile = join(cacheDir, `${basename(filename)}.v8`)
    const source = readFileSync(filename, "utf8")
    // V8 checks a cache's version and flags, and of the script only its length: the cache starts
    // with the script's digest.
    const digest = createHash("sha1").update(source).digest()
    let cachedData
    try {
      const file = readFileSync(cacheFile)
      if (file.subarray(0, digest.length).equals(digest)) cachedData = file.subarray(digest.length)
    } catch {}
    const script = new vm.Script(Module.wrap(source), { filename, cachedData })
    if (mode === "refresh" || cachedData === undefined || script.cachedDataRejected === true) {
      toWrite.push({ script, digest, cacheFile })
    }
    const require = (id) => module.require(id)
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options)
    require.cache = Module._cache
    require.main = process.mainModule
    // The scripts' dynamic imports of modules (scripts/build.mjs): node's, from here.
    module.neatImport = importModule
    script
      .runInThisContext({ displayErrors: true })
      .call(module.exports, module.exports, require, module, filename, dirname(filename))
  }
  process.once("exit", () => {
    if (toWrite.length === 0) return
    try {
      mkdirSync(cacheDir, { recursive: true })
    } catch {
      return
    }
    for (const { script, digest, cacheFile } of toWrite) {
      const partial = `${cacheFile}.${process.pid}`
      try {
        writeFileSync(partial, Buffer.concat([digest, script.createCachedData()]))
        renameSync(partial, cacheFile)
      } catch {
        rmSync(partial, { force: true })
      }
    }
  })
}

createRequire(import.meta.url)(fileURLToPath(cli))
