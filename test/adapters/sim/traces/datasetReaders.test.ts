import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { Trace } from "../../../../src/adapters/sim/Trace.js"
import { loadAlibabaTrace } from "../../../../src/adapters/sim/traces/alibaba.js"
import { bucketValue, loadAzureTrace } from "../../../../src/adapters/sim/traces/azure.js"
import { loadGoogleTrace } from "../../../../src/adapters/sim/traces/google.js"
import { loadGwaTrace } from "../../../../src/adapters/sim/traces/gwa.js"
import { loadTrace } from "../../../../src/adapters/sim/traces/loadTrace.js"
import { parseTimePoint } from "../../../../src/adapters/sim/traces/readOptions.js"
import { describeError, type InputError } from "../../../../src/core/errors.js"
import {
  alibabaMeta,
  alibabaUsage,
  azureReading,
  azureVm,
  GWA_HEADER,
  googleUsage,
  gwaRow,
  writeAzure,
  writeText
} from "./datasets.js"

const root = mkdtempSync(join(tmpdir(), "neat-datasets-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)
const failure = async <A>(effect: Effect.Effect<A, InputError | { _tag: string }>) =>
  Effect.runPromise(Effect.flip(effect)) as Promise<InputError>
const row = (trace: Trace, v: number): Array<number> =>
  Array.from(trace.cpu.subarray(v * trace.samples, (v + 1) * trace.samples)).map((x) => Math.round(x * 1e9) / 1e9)

// ---- Azure: VM a all along, b created at 3600 and deleted at 5000, d with a monitoring gap, c never in the readings.
const azureTable = [
  azureVm("a", 0, 86400, "2", "4"),
  azureVm("b", 3600, 5000, ">24", ">64"),
  azureVm("c", 1_000_000, 1_100_000, "4", "8"),
  azureVm("d", 0, 2_000_000, "8", "32")
]
const shard1: Array<string> = []
const shard2: Array<string> = []
for (let k = 0; k < 12; k++) {
  shard1.push(azureReading(k * 300, "a", k % 2 === 0 ? 10 : 20))
  if (k !== 3) shard1.push(azureReading(k * 300, "d", 50 + k))
}
for (let k = 12; k < 24; k++) {
  shard2.push(azureReading(k * 300, "a", 30))
  if (k <= 16) shard2.push(azureReading(k * 300, "b", 40))
  shard2.push(azureReading(k * 300, "d", 60))
}
const azureDir = writeAzure(join(root, "azure"), azureTable, [shard1, shard2])

describe("azure reader", () => {
  it("reads gzip shards and the VM table: VMs, samples, lifetimes, sizes", async () => {
    const trace = await run(loadAzureTrace(azureDir))
    expect(trace.names).toEqual(["a", "d", "b"])
    expect(trace.samples).toBe(24)
    expect(trace.intervalSec).toBe(300)
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 0, 12])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([24, 24, 17])
    expect(Array.from(trace.vmMips!)).toEqual([2 * 2660, 8 * 2660, 32 * 2660])
    expect(Array.from(trace.ramMb!)).toEqual([4096, 32 * 1024, 128 * 1024])
    expect(row(trace, 0).slice(0, 4)).toEqual([0.1, 0.2, 0.1, 0.2])
    expect(row(trace, 0)[12]).toBe(0.3)
    // d's missing reading at 900 s holds the previous interval's value.
    expect(row(trace, 1).slice(0, 5)).toEqual([0.5, 0.51, 0.52, 0.52, 0.54])
    // b exists from 12 to 17 only; outside its life its CPU is 0.
    expect(row(trace, 2).slice(10, 18)).toEqual([0, 0, 0.4, 0.4, 0.4, 0.4, 0.4, 0])
  })

  it("resamples to the scheduling interval by the mean", async () => {
    const trace = await run(loadAzureTrace(azureDir, { intervalSec: 600 }))
    expect(trace.samples).toBe(12)
    expect(row(trace, 0)).toEqual([0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 0, 6])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([12, 12, 9])
  })

  it("keeps a time window [from, to)", async () => {
    const trace = await run(loadAzureTrace(azureDir, { from: 1800, to: 4500 }))
    expect(trace.samples).toBe(9)
    expect(trace.names).toEqual(["a", "d", "b"])
    expect(row(trace, 0)).toEqual([0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.3, 0.3, 0.3])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 0, 6])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([9, 9, 9])
    // A window ending at the second shard's start never opens that shard.
    const first = await run(loadAzureTrace(azureDir, { to: 3600 }))
    expect(first.names).toEqual(["a", "d"])
    expect(first.samples).toBe(12)
    expect(first.lifetimes).toBeUndefined()
  })

  it("skips the shards wholly before --from without reading them", async () => {
    const skipped = writeAzure(join(root, "azure-skip"), azureTable, [[...shard1, "3300,a,1,2,lots"], shard2])
    const trace = await run(loadAzureTrace(skipped, { from: 3600 }))
    // All three live from the window's start (b is created at 3600 s): ordered by id.
    expect(trace.names).toEqual(["a", "b", "d"])
    expect(trace.samples).toBe(12)
    // From inside the first shard, the bad row is read and named.
    expect((await failure(loadAzureTrace(skipped, { from: 3000 }))).field).toBe("column 5 (avgcpu)")
  })

  it("samples VMs reproducibly, whatever the row order", async () => {
    const one = await run(loadAzureTrace(azureDir, { vms: 2, seed: 7 }))
    const again = await run(loadAzureTrace(azureDir, { vms: 2, seed: 7 }))
    expect(one.names.length).toBe(2)
    expect(again.names).toEqual(one.names)
    expect(Array.from(again.cpu)).toEqual(Array.from(one.cpu))
    const shuffled = writeAzure(join(root, "azure-shuffled"), [...azureTable].reverse(), [
      [...shard1].reverse(),
      [...shard2].reverse()
    ])
    const reordered = await run(loadAzureTrace(shuffled, { vms: 2, seed: 7 }))
    expect(reordered.names).toEqual(one.names)
    expect(Array.from(reordered.cpu)).toEqual(Array.from(one.cpu))
    // A larger sample keeps every VM of a smaller one.
    const small = await run(loadAzureTrace(azureDir, { vms: 1, seed: 7 }))
    expect(one.names).toContain(small.names[0])
    // Some seed chooses another pair.
    const pairs = new Set<string>()
    for (let seed = 0; seed < 12; seed++) {
      pairs.add([...(await run(loadAzureTrace(azureDir, { vms: 2, seed }))).names].sort().join())
    }
    expect(pairs.size).toBeGreaterThan(1)
  })

  it("reads the largest buckets as the next power of two", () => {
    expect([bucketValue("2"), bucketValue(">24"), bucketValue(">64"), bucketValue("x")]).toEqual([
      2,
      32,
      128,
      Number.NaN
    ])
  })

  it("names file, line and column of a bad number or a bad row", async () => {
    const bad = writeAzure(join(root, "azure-bad"), azureTable, [[azureReading(0, "a", 10), "300,a,1,2,lots"]], false)
    const error = await failure(loadAzureTrace(bad))
    expect(error.file).toBe(join(bad, "vm_cpu_readings-file-1-of-1.csv"))
    expect(error.line).toBe(2)
    expect(error.field).toBe("column 5 (avgcpu)")
    expect(describeError(error)).toBe(
      `${join(bad, "vm_cpu_readings-file-1-of-1.csv")}, line 2, column 5 (avgcpu): not a number: 'lots'`
    )
    const short = writeAzure(join(root, "azure-short"), azureTable, [[azureReading(0, "a", 10), "300,a,1,2"]])
    const columns = await failure(loadAzureTrace(short))
    expect([columns.line, columns.field]).toEqual([2, "column 5 (avgcpu)"])
    expect(columns.message).toMatch(/expected 5 columns/)
    const table = writeAzure(
      join(root, "azure-table"),
      [azureVm("a", 0, 86400, "two", "4")],
      [[azureReading(0, "a", 10)]]
    )
    const cores = await failure(loadAzureTrace(table))
    expect([cores.file, cores.line, cores.field]).toEqual([
      join(table, "vmtable.csv.gz"),
      1,
      "column 10 (vmcorecountbucket)"
    ])
  })

  it("refuses a missing directory, a missing VM table and a VM the table lacks", async () => {
    const missing = await failure(loadAzureTrace(join(root, "nowhere")))
    expect(missing.message).toMatch(/cannot list/)
    const noTable = join(root, "azure-no-table")
    mkdirSync(noTable)
    writeText(join(noTable, "vm_cpu_readings-file-1-of-1.csv"), [azureReading(0, "a", 1)])
    expect((await failure(loadAzureTrace(noTable))).message).toMatch(/no vmtable\.csv/)
    const stranger = writeAzure(join(root, "azure-stranger"), azureTable, [[azureReading(0, "zz", 10)]])
    const error = await failure(loadAzureTrace(stranger))
    expect(error.file).toBe(join(stranger, "vmtable.csv.gz"))
    expect(error.message).toMatch(/'zz' has CPU readings but no row here/)
  })

  it("says so when the window holds no reading", async () => {
    const error = await failure(loadAzureTrace(azureDir, { from: 500_000, to: 600_000 }))
    expect(error.message).toMatch(/no reading inside the time window/)
  })
})

// ---- GWA: VM 1 (plain) all along, VM 2 (gzip) from the third sample; timestamps in seconds.
const T0 = 1_376_314_800
const gwaDir = join(root, "gwa")
mkdirSync(gwaDir)
writeText(join(gwaDir, "1.csv"), [
  GWA_HEADER,
  ...[10, 20, 30, 40, 50, 60].map((p, k) => gwaRow(T0 + k * 300, 2, 5200, p, 4_194_304))
])
writeText(
  join(gwaDir, "2.csv.gz"),
  [GWA_HEADER, ...[5, 15, 25, 35].map((p, k) => gwaRow(T0 + (k + 2) * 300, 1, 2600, p, 1_048_576))],
  true
)

describe("gwa reader", () => {
  it("reads one file per VM (plain and gzip): VMs, samples, lifetimes, sizes", async () => {
    const trace = await run(loadGwaTrace(gwaDir))
    expect(trace.names).toEqual(["1", "2"])
    expect(trace.samples).toBe(6)
    expect(row(trace, 0)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    expect(row(trace, 1)).toEqual([0, 0, 0.05, 0.15, 0.25, 0.35])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 2])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([6, 6])
    expect(Array.from(trace.vmMips!)).toEqual([5200, 2600])
    expect(Array.from(trace.ramMb!)).toEqual([4096, 1024])
  })

  it("takes an ISO window and millisecond timestamps alike", async () => {
    const iso = (s: number) => new Date(s * 1000).toISOString()
    const trace = await run(
      loadTrace(`gwa:${gwaDir}`, {
        read: {
          from: parseTimePointOrThrow(iso(T0 + 300), "from"),
          to: parseTimePointOrThrow(iso(T0 + 1200), "to")
        }
      })
    )
    expect(trace.samples).toBe(3)
    expect(row(trace, 0)).toEqual([0.2, 0.3, 0.4])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 1])
    const ms = join(root, "gwa-ms")
    mkdirSync(ms)
    writeText(join(ms, "1.csv"), [
      GWA_HEADER,
      ...[10, 20].map((p, k) => gwaRow((T0 + k * 300) * 1000, 2, 5200, p, 4096))
    ])
    const fromMs = await run(loadGwaTrace(ms))
    expect(fromMs.samples).toBe(2)
    expect(row(fromMs, 0)).toEqual([0.1, 0.2])
  })

  it("joins a VM's monthly files (Bitbrains Rnd) and samples by file name", async () => {
    const rnd = join(root, "rnd")
    for (const [month, start] of [
      ["2013-7", T0],
      ["2013-8", T0 + 600]
    ] as const) {
      mkdirSync(join(rnd, month), { recursive: true })
      writeText(join(rnd, month, "5.csv"), [
        GWA_HEADER,
        gwaRow(start, 1, 2000, 10, 1024),
        gwaRow(start + 300, 1, 2000, 20, 1024)
      ])
      writeText(join(rnd, month, "6.csv"), [
        GWA_HEADER,
        gwaRow(start, 1, 2000, 50, 1024),
        gwaRow(start + 300, 1, 2000, 50, 1024)
      ])
    }
    const trace = await run(loadGwaTrace(rnd))
    expect(trace.names).toEqual(["5", "6"])
    expect(row(trace, 0)).toEqual([0.1, 0.2, 0.1, 0.2])
    const sampled = await run(loadGwaTrace(rnd, { vms: 1, seed: 3 }))
    expect(sampled.names.length).toBe(1)
    expect((await run(loadGwaTrace(rnd, { vms: 1, seed: 3 }))).names).toEqual(sampled.names)
  })

  it("names file, line and column of a bad value, and a missing header", async () => {
    const bad = join(root, "gwa-bad")
    mkdirSync(bad)
    writeText(join(bad, "1.csv"), [
      GWA_HEADER,
      gwaRow(T0, 2, 5200, 10, 4096),
      `${T0 + 300};\t2;\t5200;\t1;\tabc;\t4096;\t1`
    ])
    const error = await failure(loadGwaTrace(bad))
    expect([error.file, error.line, error.field]).toEqual([join(bad, "1.csv"), 3, "column 5 (CPU usage [%])"])
    writeText(join(bad, "1.csv"), [gwaRow(T0, 2, 5200, 10, 4096)])
    const header = await failure(loadGwaTrace(bad))
    expect([header.line, header.field]).toEqual([1, "column 1 (Timestamp [ms])"])
    expect((await failure(loadGwaTrace(join(root, "no-gwa")))).message).toBe("no such file or directory")
  })
})

const parseTimePointOrThrow = (text: string, field: string) => {
  const parsed = parseTimePoint(text, field)
  if (parsed._tag === "Left") throw new Error(parsed.left.message)
  return parsed.right
}

// ---- Alibaba: c_1 every 10 s over two intervals, c_2 over the next two; sizes from container_meta.
const alibabaDir = join(root, "alibaba")
mkdirSync(alibabaDir)
{
  const usage: Array<string> = []
  for (let t = 0; t < 600; t += 10) usage.push(alibabaUsage("c_1", t, t % 20 === 0 ? 10 : 30))
  for (let t = 300; t < 900; t += 10) usage.push(alibabaUsage("c_2", t, 50))
  usage.push(alibabaUsage("c_2", 895, ""))
  writeText(join(alibabaDir, "container_usage.csv.gz"), usage, true)
  writeText(join(alibabaDir, "container_meta.csv"), [
    alibabaMeta("c_1", 0, 200),
    alibabaMeta("c_2", 0, 100),
    alibabaMeta("c_1", 100, 400),
    alibabaMeta("c_9", 0, 800)
  ])
  writeText(join(alibabaDir, "machine_meta.csv"), ["m_1,0,1,a,96,100,USING"])
}

describe("alibaba reader", () => {
  it("averages 10 s readings per interval, sizes containers by their last cpu_request", async () => {
    const trace = await run(loadAlibabaTrace(alibabaDir))
    expect(trace.names).toEqual(["c_1", "c_2"])
    expect(trace.samples).toBe(3)
    expect(row(trace, 0)).toEqual([0.2, 0.2, 0])
    expect(row(trace, 1)).toEqual([0, 0.5, 0.5])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 1])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([2, 3])
    expect(Array.from(trace.vmMips!)).toEqual([4 * 2660, 2660])
    expect(trace.ramMb).toBeUndefined()
  })

  it("keeps a window, resamples, and samples containers reproducibly", async () => {
    const window = await run(loadAlibabaTrace(alibabaDir, { from: 300, to: 900, intervalSec: 600 }))
    expect(window.names).toEqual(["c_1", "c_2"])
    expect(window.samples).toBe(1)
    expect(row(window, 0)).toEqual([0.2])
    expect(window.lifetimes).toBeUndefined()
    const one = await run(loadAlibabaTrace(alibabaDir, { vms: 1, seed: 5 }))
    expect(one.names.length).toBe(1)
    expect((await run(loadAlibabaTrace(alibabaDir, { vms: 1, seed: 5 }))).names).toEqual(one.names)
  })

  it("names file, line and column of a bad CPU value", async () => {
    const bad = join(root, "alibaba-bad")
    mkdirSync(bad)
    writeText(join(bad, "container_usage.csv"), [
      alibabaUsage("c_1", 0, 10),
      alibabaUsage("c_1", 10, 10).replace(",10,40,", ",high,40,")
    ])
    writeText(join(bad, "container_meta.csv"), [alibabaMeta("c_1", 0, 100)])
    const error = await failure(loadAlibabaTrace(bad))
    expect([error.file, error.line, error.field]).toEqual([
      join(bad, "container_usage.csv"),
      2,
      "column 4 (cpu_util_percent)"
    ])
    rmSync(join(bad, "container_meta.csv"))
    expect((await failure(loadAlibabaTrace(bad))).message).toMatch(/no container_meta\.csv/)
  })
})

// ---- Google 2011: task 1-0 over three periods, task 2-3 over one; CPU as a fraction of the task's peak.
const googleDir = join(root, "google")
mkdirSync(join(googleDir, "task_usage"), { recursive: true })
writeText(
  join(googleDir, "task_usage", "part-00000-of-00500.csv.gz"),
  [
    googleUsage(600, 900, 1, 0, 0.02, 0.05),
    googleUsage(900, 1200, 1, 0, 0.04, 0.08),
    googleUsage(900, 1200, 2, 3, 0.1, 0.1),
    googleUsage(1200, 1500, 1, 0, 0.01, "")
  ],
  true
)

describe("google reader", () => {
  it("reads task_usage: tasks as VMs, CPU as a fraction of each task's peak", async () => {
    const trace = await run(loadGoogleTrace(googleDir))
    expect(trace.names).toEqual(["1-0", "2-3"])
    expect(trace.samples).toBe(3)
    expect(row(trace, 0)).toEqual([0.25, 0.5, 0.125])
    expect(row(trace, 1)).toEqual([0, 1, 0])
    expect(Array.from(trace.lifetimes!.arrival)).toEqual([0, 1])
    expect(Array.from(trace.lifetimes!.departure)).toEqual([3, 2])
    expect(trace.vmMips).toBeUndefined()
  })

  it("keeps a window in the trace's seconds, resamples, samples tasks, and refuses a missing path", async () => {
    const window = await run(loadGoogleTrace(googleDir, { from: 900, to: 1500, intervalSec: 600 }))
    expect(window.names).toEqual(["1-0", "2-3"])
    expect(window.samples).toBe(1)
    // 1-0's readings at 1050 s and 1350 s (0.04 and 0.01 of a peak of 0.08) average to 0.3125.
    expect(row(window, 0)).toEqual([0.3125])
    const one = await run(loadGoogleTrace(googleDir, { vms: 1, seed: 9 }))
    expect(one.names.length).toBe(1)
    expect((await run(loadGoogleTrace(googleDir, { vms: 1, seed: 9 }))).names).toEqual(one.names)
    expect((await failure(loadGoogleTrace(join(root, "no-google")))).message).toMatch(/cannot list task_usage/)
  })

  it("names file, line and column of a bad CPU rate", async () => {
    const bad = join(root, "google-bad")
    mkdirSync(bad)
    const file = writeText(join(bad, "part-00001-of-00500.csv"), [
      googleUsage(600, 900, 1, 0, 0.02, 0.05).replace(",0.02,", ",n/a,")
    ])
    const error = await failure(loadGoogleTrace(bad))
    expect([error.file, error.line, error.field]).toEqual([file, 1, "column 6 (CPU rate)"])
  })
})

describe("loadTrace with the data sets", () => {
  it("detects each format from the files, as its prefix names it", async () => {
    for (const [dir, format] of [
      [azureDir, "azure"],
      [gwaDir, "gwa"],
      [alibabaDir, "alibaba"],
      [googleDir, "google"]
    ] as const) {
      const detected = await run(loadTrace(dir))
      const named = await run(loadTrace(`${format}:${dir}`))
      expect(detected.names).toEqual(named.names)
      expect(Array.from(detected.cpu)).toEqual(Array.from(named.cpu))
    }
  })

  it("passes --vms, --seed, --from, --to and --interval on", async () => {
    const trace = await run(
      loadTrace(`azure:${azureDir}`, {
        read: {
          vms: 2,
          seed: 7,
          from: parseTimePointOrThrow("0", "from"),
          to: parseTimePointOrThrow("3600", "to"),
          intervalSec: 600
        }
      })
    )
    expect(trace.names.length).toBe(2)
    expect(trace.samples).toBe(6)
  })

  it("takes the reading options in the spec too (for grids), over the flags", async () => {
    const inSpec = await run(loadTrace(`azure:${azureDir}?vms=2&seed=7&to=3600&interval=600`, { read: { vms: 3 } }))
    const byFlags = await run(
      loadTrace(`azure:${azureDir}`, {
        read: { vms: 2, seed: 7, to: parseTimePointOrThrow("3600", "to"), intervalSec: 600 }
      })
    )
    expect(inSpec.names).toEqual(byFlags.names)
    expect(inSpec.samples).toBe(6)
    expect((await run(loadTrace(`${azureDir}?vms=1`))).names.length).toBe(1)
    const unknown = await Effect.runPromise(Effect.flip(loadTrace(`azure:${azureDir}?colour=red`)))
    expect(unknown._tag === "ConfigError" && unknown.message).toMatch(/unknown key 'colour'/)
    const csv = join(root, "query.csv")
    writeFileSync(csv, "a,0,10\na,300,20\n")
    const other = await Effect.runPromise(Effect.flip(loadTrace(`${csv}?vms=1`)))
    expect(other._tag === "ConfigError" && other.message).toMatch(/apply to gwa, azure, alibaba and google/)
  })

  it("refuses sampling options for other formats, dates for relative clocks, and bad values", async () => {
    const csv = join(root, "plain.csv")
    writeFileSync(csv, "a,0,10\na,300,20\n")
    const other = await Effect.runPromise(Effect.flip(loadTrace(csv, { read: { vms: 3 } })))
    expect(other._tag).toBe("ConfigError")
    const date = await Effect.runPromise(
      Effect.flip(
        loadTrace(`azure:${azureDir}`, { read: { from: parseTimePointOrThrow("2019-01-01T00:00:00Z", "from") } })
      )
    )
    expect(date._tag === "ConfigError" && date.field).toBe("from")
    const zero = await Effect.runPromise(Effect.flip(loadTrace(`azure:${azureDir}`, { read: { vms: 0 } })))
    expect(zero._tag === "ConfigError" && zero.field).toBe("vms")
    expect(parseTimePoint("yesterday", "from")._tag).toBe("Left")
    expect(parseTimePoint("2013-08-12T00:00:00", "from")._tag).toBe("Left")
  })
})
