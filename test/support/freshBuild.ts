/**
 * The tests run the compiled CLI (dist/, as users do): before they start, dist/ is rebuilt when it
 * is missing or older than anything it is built from, so that no test runs a stale build.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { projectRoot } from "./projectRoot.js"

/** What the build reads besides node_modules. */
const inputs = ["src", "scripts/build.mjs", "package.json", "package-lock.json"]

const newestChange = (path: string): number => {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const name of readdirSync(path, { recursive: true, encoding: "utf8" })) {
    newest = Math.max(newest, statSync(join(path, name)).mtimeMs)
  }
  return newest
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export const staleBuildReason = (): string | undefined => {
  const record = join(projectRoot, "dist/build.json")
  if (!existsSync(record)) return "dist/ has no build"
  const { startedAt } = JSON.parse(readFileSync(record, "utf8")) as { readonly startedAt: number }
  const changed = inputs.find((input) => newestChange(join(projectRoot, input)) > startedAt)
  return changed === undefined ? undefined : `${changed} changed since the last build`
}

/** Rebuilds dist/ when it is stale; throws with the build's output when the build fails. */
export const ensureFreshBuild = (): void => {
  if (staleBuildReason() === undefined) return
  const build = spawnSync(process.execPath, [join(projectRoot, "scripts/build.mjs")], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 300_000
  })
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
}
