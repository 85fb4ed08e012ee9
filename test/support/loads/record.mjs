// `node --import <this file>`: appends the URL of every module the process loads to the file named
// by NEAT_RECORD_LOADS (plain JavaScript: it runs before any TypeScript loader).
import { appendFileSync } from "node:fs"
import { createRequire, register } from "node:module"
import { pathToFileURL } from "node:url"

register("./hooks.mjs", import.meta.url)

// The compiled CLI's scripts are CommonJS, loaded by require (no module hook sees them): the
// files in require's cache at exit.
const cache = createRequire(import.meta.url).cache
process.once("exit", () => {
  const file = process.env.NEAT_RECORD_LOADS
  if (file === undefined || file === "") return
  const urls = Object.keys(cache).map((path) => pathToFileURL(path).href)
  if (urls.length > 0) appendFileSync(file, `${urls.join("\n")}\n`)
})
