import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it, vi } from "vitest"
import { parseStoreConnection } from "../../../src/core/StoreConnection.js"
import { makeWhatifCommand, parseDuration } from "../../../src/server/cli/whatif.js"
import { defaultWiring } from "../../../src/server/cli/wiring.js"
import { openDatabase } from "../../../src/server/db/openDatabase.js"
import { runCommandInProcess } from "../../support/neatCli.js"
import { writeUserModules } from "../../support/userModules.js"

const directory = mkdtempSync(join(tmpdir(), "neat-whatif-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

/**
 * Four hosts and eight light VMs sampled every 5 minutes over the two hours up to `endMs`; nothing
 * moved. The hosts' rows hold their own use (hypervisor overhead, 40 MHz), as Neat's collector
 * writes `host_resource_usage`, not their total.
 */
const fillStore = (file: string, endMs = Date.now()) =>
  Effect.scoped(
    Effect.gen(function* () {
      const db = yield* openDatabase(Either.getOrThrow(parseStoreConnection(`sqlite:///${file}`)))
      yield* Effect.promise(async () => {
        await db
          .insertInto("hosts")
          .values(["h1", "h2", "h3", "h4"].map((hostname) => ({ hostname, cpu_mhz: 5320, cpu_cores: 2, ram: 8192 })))
          .execute()
        const uuids = Array.from({ length: 8 }, (_, i) => `vm-${i}`)
        await db
          .insertInto("vms")
          .values(uuids.map((uuid) => ({ uuid })))
          .execute()
        const now = endMs
        const vmRows = []
        const hostRows = []
        for (let k = 0; k < 24; k++) {
          const timestamp = new Date(now - (24 - k) * 300_000).toISOString()
          for (let v = 0; v < 8; v++) vmRows.push({ vm_id: v + 1, cpu_mhz: 100 + 20 * v + (k % 3) * 10, timestamp })
          for (let h = 0; h < 4; h++) hostRows.push({ host_id: h + 1, cpu_mhz: 40, timestamp })
        }
        await db.insertInto("vm_resource_usage").values(vmRows).execute()
        // The collectors found the VMs two per host three hours ago.
        const placedAt = new Date(now - 3 * 3600_000).toISOString()
        await db
          .insertInto("vm_placements")
          .values(uuids.map((_, v) => ({ vm_id: v + 1, host_id: 1 + (v >> 1), timestamp: placedAt })))
          .execute()
        await db.insertInto("host_resource_usage").values(hostRows).execute()
      })
    })
  )

const run = (args: ReadonlyArray<string>) =>
  runCommandInProcess(makeWhatifCommand(defaultWiring), args).pipe(Effect.either)

describe("neat whatif", () => {
  it("parses window durations", () => {
    expect([parseDuration("24h"), parseDuration("90m"), parseDuration("2d"), parseDuration("10 hours")]).toEqual([
      86400,
      5400,
      172800,
      undefined
    ])
  })

  it("replays the store's last hours with other algorithms and writes the comparison report", async () => {
    const store = join(directory, "neat.db")
    await Effect.runPromise(fillStore(store))
    const config = join(directory, "neat.conf")
    writeFileSync(config, `[DEFAULT]\nsql_connection = sqlite:///${store}\nlocal_manager_interval = 300\n`)
    const report = join(directory, "whatif.html")
    const printed = vi.spyOn(console, "log").mockImplementation(() => {})
    const result = await Effect.runPromise(
      run([
        "--config",
        config,
        "--since",
        "2h",
        "--underload",
        'underload/threshold:{"threshold": 0.3}',
        "--report",
        report
      ])
    )
    const output = printed.mock.calls.map((args) => args.join(" ")).join("\n")
    printed.mockRestore()
    expect(Either.isRight(result), String(Either.isLeft(result) ? JSON.stringify(result.left) : "")).toBe(true)
    expect(output).toMatch(/replay what-if: underload\/threshold.*\nstarting from the recorded placement\n/)
    // One table, both sides measured alike: undefined metrics read n/a on either side, never NaN.
    expect(output).toMatch(/energy \(kWh\) +\d+\.\d\d +\d+\.\d\d/)
    expect(output).toMatch(/mean time before a VM migration \(s\) +n\/a/)
    expect(output).not.toContain("NaN")
    const html = readFileSync(report, "utf8")
    expect(html).toContain("recorded")
    expect(html).toContain("what-if: underload/threshold")
    const bad = await Effect.runPromise(run(["--config", config, "--since", "yesterday"]))
    expect(Either.isLeft(bad)).toBe(true)
  })

  it("replays a window that ended in the past (--until), and names a bad time", async () => {
    const store = join(directory, "neat-until.db")
    const endMs = Date.UTC(2026, 0, 15, 12)
    await Effect.runPromise(fillStore(store, endMs))
    const config = join(directory, "neat-until.conf")
    writeFileSync(config, `[DEFAULT]\nsql_connection = sqlite:///${store}\nlocal_manager_interval = 300\n`)
    const printed = vi.spyOn(console, "log").mockImplementation(() => {})
    const result = await Effect.runPromise(
      run(["--config", config, "--since", "2h", "--until", "2026-01-15T12:00:00Z"])
    )
    const output = printed.mock.calls.map((args) => args.join(" ")).join("\n")
    printed.mockRestore()
    expect(Either.isRight(result), String(Either.isLeft(result) ? JSON.stringify(result.left) : "")).toBe(true)
    expect(output).toContain("window 2026-01-15T10:00:00.000Z to 2026-01-15T12:00:00.000Z (2h)")
    expect(output).toMatch(/VMs +8 +8/)
    // Up to now, the same store holds nothing.
    const empty = await Effect.runPromise(run(["--config", config, "--since", "2h"]))
    expect(Either.isLeft(empty) && JSON.stringify(empty.left)).toMatch(/no VM samples/)
    const bad = await Effect.runPromise(run(["--config", config, "--until", "noon"]))
    expect(Either.isLeft(bad) && JSON.stringify(bad.left)).toMatch(/until.*ISO-8601/)
  })

  it("replays through a user's algorithm named MODULE#EXPORT, and names a reference that cannot load", async () => {
    const modules = writeUserModules()
    try {
      const store = join(directory, "neat-user.db")
      await Effect.runPromise(fillStore(store))
      const config = join(directory, "neat-user.conf")
      writeFileSync(config, `[DEFAULT]\nsql_connection = sqlite:///${store}\nlocal_manager_interval = 300\n`)
      const printed = vi.spyOn(console, "log").mockImplementation(() => {})
      const result = await Effect.runPromise(
        run(["--config", config, "--since", "2h", "--underload", `${modules.thr}#under:0.3`])
      )
      const output = printed.mock.calls.map((args) => args.join(" ")).join("\n")
      printed.mockRestore()
      expect(Either.isRight(result), String(Either.isLeft(result) ? JSON.stringify(result.left) : "")).toBe(true)
      expect(output).toContain(`what-if: ${modules.thr}#under`)
      const missing = await Effect.runPromise(
        run(["--config", config, "--since", "2h", "--overload", `${modules.dir}/missing.ts#thr`])
      )
      expect(Either.isLeft(missing) && JSON.stringify(missing.left)).toMatch(/missing\.ts#thr.*no such module file/)
    } finally {
      modules.remove()
    }
  })
})
