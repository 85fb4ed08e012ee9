/**
 * How generating the synthetic workload grows with its size: time and memory for one day
 * (288 samples) of N VMs. Run: npx tsx bench/syntheticScale.ts 10000 100000 1000000
 * (each size in a fresh process is fairer: pass one size per run).
 */
import { generateSyntheticTrace } from "../src/adapters/sim/traces/synthetic.js"

const sizes = process.argv.slice(2).map(Number)
for (const vms of sizes.length > 0 ? sizes : [1052, 10_000, 100_000]) {
  const before = performance.now()
  const trace = generateSyntheticTrace({ vms, seed: 42, samples: 288, intervalSec: 300 })
  const seconds = (performance.now() - before) / 1000
  const memory = process.memoryUsage()
  console.log(
    `${vms} VMs x ${trace.samples}: ${seconds.toFixed(2)} s, cpu array ${(trace.cpu.byteLength / 1e6).toFixed(0)} MB, ` +
      `rss ${(memory.rss / 1e6).toFixed(0)} MB, heap ${(memory.heapUsed / 1e6).toFixed(0)} MB`
  )
}
