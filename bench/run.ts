/**
 * `npm run bench [-- NAME...]`: runs every `bench/*.bench.ts` (or those whose name contains one of
 * the given words) one after the other, each in its own process so one's memory does not skew the
 * next. Each benchmark prints its own table; see docs/performance.md for recorded figures.
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((word) => name.includes(word)))
  .sort()

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")}`)
  process.exit(1)
}
let failed = 0
for (const name of benches) {
  console.log(`\n== ${name}`)
  const run = spawnSync(process.execPath, ["--import", "tsx", join(here, name)], { stdio: "inherit" })
  if (run.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
