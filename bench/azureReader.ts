/**
 * Streams an Azure-format directory end to end through the reader (`loadTrace("azure:DIR")`) and
 * reports what it built, the time, and the memory. Input: bench/generateAzure.ts. Run under
 * /usr/bin/time for the whole process's peak RSS:
 *
 *   /usr/bin/time -v npx tsx bench/azureReader.ts DIR [--vms N] [--seed S] [--from S] [--to S] [--interval S]
 */
import { Effect } from "effect"
import { loadTrace } from "../src/adapters/sim/traces/loadTrace.js"
import { readOptionsFromFlags } from "../src/adapters/sim/traces/readOptions.js"
import { describeError } from "../src/core/errors.js"

const [dir, ...rest] = process.argv.slice(2)
if (dir === undefined) {
  console.error("usage: npx tsx bench/azureReader.ts DIR [--vms N] [--seed S] [--from S] [--to S] [--interval S]")
  process.exit(2)
}
const flag = (name: string): string | undefined => {
  const at = rest.indexOf(`--${name}`)
  return at === -1 ? undefined : rest[at + 1]
}
const numberFlag = (name: string): number | undefined => {
  const text = flag(name)
  return text === undefined ? undefined : Number(text)
}

const started = performance.now()
let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
}, 100)
const program = Effect.gen(function* () {
  const read = yield* readOptionsFromFlags({
    vms: numberFlag("vms"),
    seed: numberFlag("seed"),
    from: flag("from"),
    to: flag("to"),
    intervalSec: numberFlag("interval")
  })
  return yield* loadTrace(`azure:${dir}`, { read })
})
const trace = await Effect.runPromise(Effect.either(program))
clearInterval(sampler)
peakRss = Math.max(peakRss, process.memoryUsage.rss())
if (trace._tag === "Left") {
  console.error(`neat: ${describeError(trace.left)}`)
  process.exit(1)
}
const { names, samples, lifetimes } = trace.right
let churn = 0
if (lifetimes !== undefined) {
  for (let v = 0; v < names.length; v++) if (lifetimes.arrival[v] !== 0 || lifetimes.departure[v] !== samples) churn++
}
console.log(
  `${names.length} VMs x ${samples} samples, ${churn} with a lifetime shorter than the run; ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s, cpu array ${(trace.right.cpu.byteLength / 1e6).toFixed(0)} MB, ` +
    `peak rss ${(peakRss / 1e6).toFixed(0)} MB (sampled every 100 ms); at the end heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, ` +
    `array buffers ${(process.memoryUsage().arrayBuffers / 1e6).toFixed(0)} MB`
)
