/**
 * A sweep given CloudSim's VM order for day 20110303 (`--vm-order DIR` with DIR/20110303.csv)
 * reproduces that day's CloudSim 3.0.3 rows bit for bit, as `neat sim --vm-order` does
 * (reproduction.test.ts), and records the order it ran in.
 */
import { createHash } from "node:crypto"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, expect, it } from "vitest"
import { runSweep } from "../../../../src/adapters/sim/sweep/runSweep.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { simulationRunnerRef } from "../../../../src/adapters/sim/sweep/simulationRunnerRef.js"
import { describeWithRequirement, sharedMaterial } from "../../../support/requirement.js"

const material = sharedMaterial(
  "traces/planetlab/20110303",
  "reference/cloudsim-3.0.3-20110303.csv",
  "reference/cloudsim-file-order-20110303.csv"
)

const dir = mkdtempSync(join(tmpdir(), "neat-sweep-vm-order-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The reference rows in CloudSim's directory order, by `POLICY-SELECTION-PARAMETER` (NPA, DVFS alone). */
const readReference = (file: string): ReadonlyMap<string, Readonly<Record<string, string>>> => {
  const [header = "", ...lines] = readFileSync(file, "utf8").trim().split("\n")
  const columns = header.split(",")
  const rows = new Map<string, Record<string, string>>()
  for (const line of lines) {
    const row = Object.fromEntries(line.split(",").map((field, i) => [columns[i] ?? "", field]))
    if (row.trace_file_order !== "listFiles") continue
    const label = [row.policy, row.selection, row.parameter]
      .filter((part) => part !== undefined && part !== "")
      .join("-")
    rows.set(label, row)
  }
  return rows
}

describeWithRequirement("sweep --vm-order, day 20110303", material, ([dayDir, referenceCsv, orderCsv]) => {
  it("reproduces CloudSim's rows exactly and records the order", async () => {
    const orders = join(dir, "orders")
    rmSync(orders, { recursive: true, force: true })
    mkdirSync(orders)
    copyFileSync(orderCsv, join(orders, "20110303.csv"))
    const grid: SweepGrid = {
      policies: ["cloudsim"],
      parameters: { overload: ["thr:0.8", "iqr:1.5", "mad:2.5", "lr:1.2", "lrr:1.2"], selection: ["mmt"] },
      also: [
        { policies: ["cloudsim"], parameters: { overload: ["lr:1.2"], selection: ["mc", "mu"] } },
        { policies: ["cloudsim"], parameters: { overload: ["thr:1.0"], selection: ["mmt"] } },
        { policies: ["npa", "dvfs"], parameters: {} }
      ],
      traces: [dayDir],
      vmOrder: [orders]
    }
    const csvFile = join(dir, "sweep.csv")
    const summary = await Effect.runPromise(
      runSweep({
        grid,
        runner: simulationRunnerRef,
        store: join(dir, "sweep.sqlite"),
        workers: 2,
        progress: false,
        csvFile
      })
    )
    expect(summary.failed).toEqual([])
    expect(summary.results.length).toBe(10)
    const reference = readReference(referenceCsv)
    const sha256 = createHash("sha256").update(readFileSync(orderCsv, "utf8")).digest("hex")
    for (const { job, metrics } of summary.results) {
      const overload = String(job.params.overload ?? "")
      const [name = "", parameter = ""] = overload.split(":")
      const label =
        job.policy === "cloudsim"
          ? `${name.toUpperCase()}-${String(job.params.selection).toUpperCase()}-${parameter}`
          : job.policy.toUpperCase()
      const row = reference.get(label)
      expect(row, label).toBeDefined()
      expect(metrics.energyKwh, label).toBe(Number(row?.energy_kwh))
      expect(metrics.migrations, label).toBe(Number(row?.vm_migrations))
      expect(metrics.slatahPct, label).toBe(Number(row?.slatah_pct))
      expect(metrics.pdmPct, label).toBe(Number(row?.pdm_pct))
      expect(job.vmOrder, label).toMatchObject({ file: "20110303.csv", sha256 })
    }
    // The CSV records the order of each row; the statistics record it per configuration.
    const [header = "", first = ""] = readFileSync(csvFile, "utf8").split("\n")
    expect(header.split(",").slice(0, 5)).toEqual(["key", "index", "policy", "trace", "vm_order"])
    expect(first.split(",")[4]).toBe(`20110303.csv sha256:${sha256}`)
    expect(summary.statistics.configurations[0]?.config).toEqual({
      policy: "cloudsim",
      overload: "thr:0.8",
      selection: "mmt",
      vm_order: { "20110303": { file: "20110303.csv", sha256 } }
    })
  }, 300_000)
})
