#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install` through the `prepare` script, or `npm run build`).
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const cli = new URL("../dist/cli.js", import.meta.url)
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL("..", import.meta.url))
  process.stderr.write(
    `neat: the compiled CLI is missing (${fileURLToPath(cli)}); run npm install (or npm run build) in ${root}\n`
  )
  process.exit(1)
}
await import(cli.href)
