/**
 * Time-boxed benchmarks of the store on a SQLite file (WAL) at a realistic size: 1000 VMs with 100
 * samples each on 50 hosts. The tasks are what the services do per interval: a collector's insert
 * for 20 VMs, the global manager's read of 30 samples for 100 VMs, and the last value of every VM.
 * PostgreSQL too when NEAT_TEST_PG_URL is set. Run: `npx tsx bench/store.bench.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, ManagedRuntime } from "effect"
import { Bench } from "tinybench"
import { Store } from "../src/server/db/Store.js"

const vms = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`)
const hosts = Array.from({ length: 50 }, (_, i) => `compute${i}`)

const runBackend = async (name: string, connection: string, options: { pgSchema?: string } = {}) => {
  const runtime = ManagedRuntime.make(Store.layer(connection, options))
  const run = <A, E>(f: (store: Store["Type"]) => Effect.Effect<A, E>) => runtime.runPromise(Effect.flatMap(Store, f))
  for (const host of hosts) await run((s) => s.updateHost(host, 24000, 8, 32768))
  for (let sample = 0; sample < 100; sample++) {
    await run((s) => s.insertVmCpuMhz(Object.fromEntries(vms.map((uuid, i) => [uuid, (i * 7 + sample) % 2500]))))
  }
  const collectorVms = vms.slice(0, 20)
  const placementVms = vms.slice(100, 200)
  let tick = 0
  const bench = new Bench({ time: 300, warmupTime: 50 })
  bench
    .add(`${name}: insertVmCpuMhz, 20 VMs (one collector interval)`, () =>
      run((s) => s.insertVmCpuMhz(Object.fromEntries(collectorVms.map((uuid) => [uuid, tick++ % 2500]))))
    )
    .add(`${name}: selectCpuMhzForVms, 100 VMs x 30 samples`, () => run((s) => s.selectCpuMhzForVms(placementVms, 30)))
    .add(`${name}: selectCpuMhzForVm, 1 VM x 30 samples`, () => run((s) => s.selectCpuMhzForVm(vms[500]!, 30)))
    .add(`${name}: selectLastCpuMhzForVms (1000 VMs)`, () => run((s) => s.selectLastCpuMhzForVms()))
    .add(`${name}: selectHostStates (50 hosts)`, () => run((s) => s.selectHostStates()))
  await bench.run()
  console.table(bench.table())
  await runtime.dispose()
}

const directory = mkdtempSync(join(tmpdir(), "neat-store-bench-"))
try {
  await runBackend("sqlite", join(directory, "neat.db"))
  const pg = process.env.NEAT_TEST_PG_URL
  if (pg !== undefined && pg !== "") {
    const schema = `neat_bench_${Date.now().toString(36)}`
    await runBackend("postgres", pg, { pgSchema: schema })
    const { default: postgres } = await import("pg")
    const client = new postgres.Client({ connectionString: pg })
    await client.connect()
    await client.query(`drop schema "${schema}" cascade`)
    await client.end()
  }
} finally {
  rmSync(directory, { recursive: true, force: true })
}
