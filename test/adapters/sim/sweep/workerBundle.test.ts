import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { prepareWorkerEntry } from "../../../../src/adapters/sim/sweep/workerBundle.js"

const runner = { module: fileURLToPath(new URL("./fixtureRunner.ts", import.meta.url)), exportName: "runFixtureJob" }

describe("prepareWorkerEntry", () => {
  it("bundles a TypeScript runner and the worker for plain node, and removes the bundles on dispose", async () => {
    const entry = await prepareWorkerEntry(runner)
    expect(entry.execArgv).toEqual([])
    expect(entry.runner.exportName).toBe("runFixtureJob")
    expect(entry.runner.module).toMatch(/runner\.mjs$/)
    expect(existsSync(entry.runner.module)).toBe(true)
    expect(existsSync(fileURLToPath(entry.entry))).toBe(true)
    entry.dispose()
    expect(existsSync(entry.runner.module)).toBe(false)
  })

  it("keeps the sources when the bundle lacks the export or the runner is not TypeScript", async () => {
    const missing = await prepareWorkerEntry({ ...runner, exportName: "notAFunction" })
    expect(missing.execArgv).toBeUndefined()
    expect(missing.runner).toEqual({ ...runner, exportName: "notAFunction" })
    expect(missing.entry.pathname).toMatch(/workerBootstrap\.mjs$/)
    const javascript = await prepareWorkerEntry({ module: "/nowhere/runner.mjs", exportName: "run" })
    expect(javascript.execArgv).toBeUndefined()
    expect(javascript.runner.module).toBe("/nowhere/runner.mjs")
  })
})
