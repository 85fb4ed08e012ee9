/**
 * Trace formats: generating the default synthetic workload (1052 VMs × 288 samples), parsing a
 * CSV trace of the same size, and renumbering it with a VM order. Time-boxed (about 1 s per task).
 * Run: npx tsx bench/traces.bench.ts
 */
import { Either } from "effect"
import { Bench } from "tinybench"
import { parseCsvTrace } from "../src/adapters/sim/traces/csv.js"
import { defaultSyntheticWorkload, generateSyntheticTrace } from "../src/adapters/sim/traces/synthetic.js"
import { applyVmOrder, parseVmOrder } from "../src/adapters/sim/traces/vmOrder.js"

const trace = generateSyntheticTrace(defaultSyntheticWorkload)
const rows: Array<string> = ["vm,time,cpu_percent"]
for (let v = 0; v < trace.names.length; v++) {
  for (let k = 0; k < trace.samples; k++)
    rows.push(`${trace.names[v]},${k * 300},${Math.round((trace.cpu[v * trace.samples + k] ?? 0) * 100)}`)
}
const csv = `${rows.join("\n")}\n`
const orderText = trace.names.map((name, i) => `${trace.names.length - 1 - i},${name}`).join("\n")

const bench = new Bench({ time: 1000, warmupTime: 100, iterations: 5 })
bench
  .add("synthetic: 1052 VMs x 288 samples", () => {
    generateSyntheticTrace(defaultSyntheticWorkload)
  })
  .add(`csv: parse ${rows.length - 1} rows (${(csv.length / 1e6).toFixed(1)} MB)`, () => {
    Either.getOrThrow(parseCsvTrace(csv, "bench.csv"))
  })
  .add("vm order: parse 1052 lines and renumber the trace", () => {
    applyVmOrder(trace, Either.getOrThrow(parseVmOrder(orderText, "order.csv", trace.names)))
  })
await bench.run()
console.table(bench.table())
