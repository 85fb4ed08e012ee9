import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer, Logger } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { daemonLogging } from "../../../src/server/cli/daemonLogging.js"

const directory = mkdtempSync(join(tmpdir(), "neat-logs-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const logAll = Effect.gen(function* () {
  yield* Effect.logDebug("debug line")
  yield* Effect.logInfo("info line")
  yield* Effect.logWarning("warning line")
  yield* Effect.logError("error line")
}).pipe(Effect.annotateLogs({ service: "collector", added: "vm-1" }))

/** Runs the logging at `logLevel` with the console silenced; returns the log file's lines. */
const run = (logLevel: number, logDirectory: string) =>
  Effect.runPromise(
    Effect.flatMap(daemonLogging({ logDirectory, logLevel }, "test.log"), (layer) =>
      logAll.pipe(Effect.provide(Layer.merge(layer, Logger.remove(Logger.defaultLogger))))
    )
  ).then(() => {
    const file = join(logDirectory, "test.log")
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : undefined
  })

describe("daemonLogging", () => {
  it("keeps the messages of the configured level and above, in the daemon's file", async () => {
    const lines = await run(2, join(directory, "level2"))
    expect(lines?.map((line) => line.replace(/^\S+ /, ""))).toEqual([
      "INFO    service=collector added=vm-1 info line",
      "WARN    service=collector added=vm-1 warning line",
      "ERROR   service=collector added=vm-1 error line"
    ])
    expect((await run(3, join(directory, "level3")))?.length).toBe(4)
    expect((await run(1, join(directory, "level1")))?.length).toBe(2)
  })

  it("writes nothing at level 0", async () => {
    expect(await run(0, join(directory, "level0"))).toBeUndefined()
  })

  it("fails at start when the log directory cannot be made", async () => {
    const blocker = join(directory, "a-file")
    writeFileSync(blocker, "")
    const result = await Effect.runPromise(
      Effect.either(daemonLogging({ logDirectory: blocker, logLevel: 2 }, "x.log"))
    )
    expect(result._tag === "Left" && result.left.file).toBe(join(blocker, "x.log"))
  })
})
