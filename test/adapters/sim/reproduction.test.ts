/**
 * CloudSim 3.0.3's PlanetLab study, day 20110303: every deterministic row of the reference CSV,
 * in CloudSim's directory order and in sorted order. The study's tolerances (energy and
 * migrations within 1 %, SLATAH and PDM within 5 %) are asserted, and so is the bit-for-bit
 * agreement the simulator actually reaches, so that any drift shows at once.
 */
import { readFileSync } from "node:fs"
import { Either } from "effect"
import { beforeAll, expect, it } from "vitest"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import type { SimulationOptions } from "../../../src/adapters/sim/SimulationOptions.js"
import type { Trace } from "../../../src/adapters/sim/Trace.js"
import { readPlanetLabTrace } from "../../../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../../../src/adapters/sim/traces/vmOrder.js"
import { InputError } from "../../../src/core/errors.js"
import { describeWithRequirement, sharedMaterial } from "../../support/requirement.js"

const material = sharedMaterial(
  "traces/planetlab/20110303",
  "reference/cloudsim-3.0.3-20110303.csv",
  "reference/cloudsim-file-order-20110303.csv"
)

interface Row {
  readonly order: string
  readonly policy: string
  readonly selection: string
  readonly parameter: string
  readonly energyKwh: number
  readonly migrations: number
  readonly slatahPct: number
  readonly pdmPct: number
}

const readReference = (referenceCsv: string): ReadonlyArray<Row> => {
  const [header = "", ...lines] = readFileSync(referenceCsv, "utf8").trim().split("\n")
  const columns = header.split(",")
  const at = (fields: ReadonlyArray<string>, name: string): string => fields[columns.indexOf(name)] ?? ""
  return lines.map((line) => {
    const f = line.split(",")
    return {
      order: at(f, "trace_file_order"),
      policy: at(f, "policy"),
      selection: at(f, "selection"),
      parameter: at(f, "parameter"),
      energyKwh: Number(at(f, "energy_kwh")),
      migrations: Number(at(f, "vm_migrations")),
      slatahPct: Number(at(f, "slatah_pct")),
      pdmPct: Number(at(f, "pdm_pct"))
    }
  })
}

const cases = [
  "THR-MMT-0.8",
  "IQR-MMT-1.5",
  "MAD-MMT-2.5",
  "LR-MMT-1.2",
  "LRR-MMT-1.2",
  "LR-MC-1.2",
  "LR-MU-1.2",
  "THR-MMT-1.0",
  "NPA",
  "DVFS"
] as const

const optionsFor = (label: string, trace: Trace): SimulationOptions => {
  const [policy = "", selection = "", parameter = ""] = label.split("-")
  if (policy === "NPA") return { trace, policy: "npa" }
  if (policy === "DVFS") return { trace, policy: "dvfs" }
  return {
    trace,
    policy: "cloudsim",
    overload: { name: policy.toLowerCase() as "thr" | "iqr" | "mad" | "lr" | "lrr", param: Number(parameter) },
    selection: selection.toLowerCase() as "mmt" | "mc" | "mu"
  }
}

const relative = (ours: number, reference: number): number =>
  reference === 0 ? Math.abs(ours) : Math.abs(ours - reference) / Math.abs(reference)

describeWithRequirement("CloudSim 3.0.3 reproduction, day 20110303", material, ([dayDir, referenceCsv, orderCsv]) => {
  let reference: ReadonlyArray<Row> = []
  const traces = new Map<string, Trace>()

  beforeAll(() => {
    reference = readReference(referenceCsv)
    const order = parseVmOrder(readFileSync(orderCsv, "utf8"), orderCsv)
    if (Either.isLeft(order)) throw new Error(order.left.message)
    for (const [name, options] of [
      ["listFiles", { order: order.right }],
      ["sorted", {}]
    ] as const) {
      const trace = readPlanetLabTrace(dayDir, options)
      if (trace instanceof InputError) throw new Error(trace.message)
      traces.set(name, trace)
    }
  })

  for (const order of ["listFiles", "sorted"] as const) {
    for (const label of cases) {
      it(`${order} ${label}`, () => {
        const [policy = "", selection = "", parameter = ""] = label.split("-")
        const row = reference.find(
          (r) => r.order === order && r.policy === policy && r.selection === selection && r.parameter === parameter
        )
        expect(row, `reference row ${order} ${label}`).toBeDefined()
        if (row === undefined) return
        const trace = traces.get(order)
        if (trace === undefined) throw new Error(`trace ${order} not loaded`)
        const m = runSimulation(optionsFor(label, trace)).metrics
        // The study's tolerances.
        expect(relative(m.energyKwh, row.energyKwh)).toBeLessThanOrEqual(0.01)
        expect(relative(m.migrations, row.migrations)).toBeLessThanOrEqual(0.01)
        expect(relative(m.slatahPct, row.slatahPct)).toBeLessThanOrEqual(0.05)
        expect(relative(m.pdmPct, row.pdmPct)).toBeLessThanOrEqual(0.05)
        // What the simulator reaches: CloudSim's own bits.
        expect(m.energyKwh).toBe(row.energyKwh)
        expect(m.migrations).toBe(row.migrations)
        expect(m.slatahPct).toBe(row.slatahPct)
        expect(m.pdmPct).toBe(row.pdmPct)
      })
    }
  }
})
