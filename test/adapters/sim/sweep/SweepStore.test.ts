import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { openSweepStore, storeName } from "../../../../src/adapters/sim/sweep/SweepStore.js"
import { storeContract } from "./storeContract.js"

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-store-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("SQLite sweep store", () => {
  let n = 0
  const file = join(dir, "nested", "results.sqlite")
  storeContract(() => ({ store: n++ === 0 ? `sqlite:${join(dir, "first.sqlite")}` : file }))

  it("names a file it cannot open", async () => {
    const blocker = join(dir, "blocker")
    writeFileSync(blocker, "")
    const error = await Effect.runPromise(Effect.flip(Effect.scoped(openSweepStore(join(blocker, "x.sqlite")))))
    expect(error._tag).toBe("SweepStoreError")
    expect(error.message).toContain("cannot open the store")
  })

  it("hides a PostgreSQL password in the store's name", () => {
    expect(storeName("postgresql://neat:secret@db:5432/sweeps")).toBe("postgresql://neat:***@db:5432/sweeps")
    expect(storeName("sqlite:out/r.sqlite")).toBe("out/r.sqlite")
  })
})
