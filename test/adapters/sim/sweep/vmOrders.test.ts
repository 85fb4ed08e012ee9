/** Resolving `--vm-order` specs to the grid's days: folders of `<day>.csv`, `DAY=FILE`, and mistakes. */
import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { expandGrid, jobKey } from "../../../../src/adapters/sim/sweep/grid.js"
import { runSimulationJob } from "../../../../src/adapters/sim/sweep/simulationJob.js"
import { resolveVmOrders } from "../../../../src/adapters/sim/sweep/vmOrders.js"

const dir = mkdtempSync(join(tmpdir(), "neat-vm-orders-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const orders = join(dir, "orders")
mkdirSync(orders)
const order = "0,b\n1,a\n"
writeFileSync(join(orders, "20110303.csv"), order)
writeFileSync(join(orders, "20990101.csv"), "0,x\n")
writeFileSync(join(dir, "bad.csv"), "0,a\n0,b\n")
const traces = ["planetlab/20110303", "planetlab/20110306/"]
const resolve = (specs: ReadonlyArray<string>) => Effect.runPromise(Effect.either(resolveVmOrders(specs, traces)))

describe("resolveVmOrders", () => {
  it("gives a day its <day>.csv from a folder; other days keep the default order", async () => {
    const resolved = Either.getOrThrow(await resolve([orders]))
    expect([...resolved.keys()]).toEqual(["planetlab/20110303"])
    const sha256 = createHash("sha256").update(order).digest("hex")
    expect(resolved.get("planetlab/20110303")).toEqual({
      file: "20110303.csv",
      sha256,
      path: join(orders, "20110303.csv")
    })
    const jobs = expandGrid({ policies: ["npa"], parameters: {}, traces }, resolved)
    expect(jobs.map((job) => job.vmOrder?.file)).toEqual(["20110303.csv", undefined])
    // The order is part of the key; the default order keeps the keys of before.
    expect(jobs[0]?.key).not.toBe(jobKey("npa", {}, traces[0]!))
    expect(jobs[1]?.key).toBe(jobKey("npa", {}, traces[1]!))
  })

  it("takes DAY=FILE for one day", async () => {
    const resolved = Either.getOrThrow(await resolve([`20110306=${join(orders, "20110303.csv")}`]))
    expect([...resolved.keys()]).toEqual(["planetlab/20110306/"])
  })

  it("refuses what cannot be right, naming it", async () => {
    const message = async (specs: ReadonlyArray<string>) => {
      const result = await resolve(specs)
      return Either.isLeft(result) ? result.left.message : "accepted"
    }
    expect(await message([join(dir, "nope")])).toMatch(/no such folder of VM orders/)
    expect(await message([join(dir, "bad.csv")])).toMatch(/not a folder/)
    expect(await message([`20110309=${join(orders, "20110303.csv")}`])).toMatch(/no trace of the grid is day 20110309/)
    expect(await message([orders, `20110303=${join(orders, "20110303.csv")}`])).toMatch(
      /day 20110303 is given a VM order twice/
    )
    expect(await message([`20110303=${join(dir, "bad.csv")}`])).toMatch(/index 0 is given twice/)
    const empty = join(dir, "empty")
    mkdirSync(empty)
    expect(await message([empty])).toMatch(/holds no <day>\.csv for any day of the grid/)
  })
})

describe("runSimulationJob", () => {
  it("runs a day without a VM order in the default order", async () => {
    const job = { key: "k", index: 0, policy: "npa", params: {}, trace: "synthetic:vms=5,seed=1" }
    const metrics = await runSimulationJob(job)
    expect(metrics.vms).toBe(5)
  })
})
