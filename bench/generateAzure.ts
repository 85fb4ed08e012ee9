/**
 * Writes an input in the Azure public dataset's own format (v1/v2): `vmtable.csv.gz` and
 * `vm_cpu_readings-file-N-of-M.csv.gz` shards that are consecutive slices of time, no headers,
 * 44-character base64 VM ids, a reading per VM every 300 s while it lives. Seeded, so the same
 * arguments write the same files.
 *
 *   npx tsx bench/generateAzure.ts DIR [VMS=100000] [DAYS=1] [SHARDS=6] [SEED=1]
 *
 * A share of the VMs (30 %) is created and deleted during the run, as in the data set, where most
 * VMs live less than a day; the rest live throughout.
 */
import { once } from "node:events"
import { createWriteStream, mkdirSync } from "node:fs"
import { join } from "node:path"
import { createGzip } from "node:zlib"
import { Prng } from "../src/adapters/sim/traces/Prng.js"

const [dir, vmsText = "100000", daysText = "1", shardsText = "6", seedText = "1"] = process.argv.slice(2)
if (dir === undefined) {
  console.error("usage: npx tsx bench/generateAzure.ts DIR [VMS] [DAYS] [SHARDS] [SEED]")
  process.exit(2)
}
const vms = Number(vmsText)
const days = Number(daysText)
const shards = Number(shardsText)
const seed = Number(seedText)
const interval = 300
const end = days * 86_400
const samples = end / interval
const cores = ["1", "2", "4", "8", "12", "24", ">24"]
const memory = ["2", "4", "8", "32", "64", ">64"]

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const idOf = (random: Prng): string => {
  let id = ""
  for (let i = 0; i < 43; i++) id += BASE64[random.nextUint32() & 63]
  return `${id}=`
}

interface Vm {
  readonly id: string
  readonly created: number
  readonly deleted: number
  readonly mean: number
}

const random = new Prng(seed, 0)
const table: Array<Vm> = []
for (let v = 0; v < vms; v++) {
  const id = idOf(random)
  const churn = random.next() < 0.3
  const created = churn ? Math.floor(random.next() * samples) * interval : 0
  const deleted = churn
    ? Math.min(end, created + (1 + Math.floor(random.exponential(24))) * interval)
    : end + 86_400 * 10
  table.push({ id, created, deleted, mean: random.uniform(2, 60) })
}

const open = (file: string) => {
  const gzip = createGzip({ level: 1 })
  const out = createWriteStream(file)
  gzip.pipe(out)
  return { gzip, done: once(out, "close") }
}

const write = async (stream: ReturnType<typeof open>, text: string) => {
  if (!stream.gzip.write(text)) await once(stream.gzip, "drain")
}

mkdirSync(dir, { recursive: true })
const started = performance.now()
const vmTable = open(join(dir, "vmtable.csv.gz"))
for (let v = 0; v < table.length; v += 1000) {
  let chunk = ""
  for (const vm of table.slice(v, v + 1000)) {
    const c = cores[Math.floor(random.next() * cores.length)]
    const m = memory[Math.floor(random.next() * memory.length)]
    chunk += `${vm.id},sub${v % 97},dep${v % 991},${vm.created},${vm.deleted},95.1,${vm.mean.toFixed(2)},80.3,Interactive,${c},${m}\n`
  }
  await write(vmTable, chunk)
}
vmTable.gzip.end()
await vmTable.done

let lines = 0
const perShard = Math.ceil(samples / shards)
for (let s = 0; s < shards; s++) {
  const shard = open(join(dir, `vm_cpu_readings-file-${s + 1}-of-${shards}.csv.gz`))
  for (let k = s * perShard; k < Math.min(samples, (s + 1) * perShard); k++) {
    const time = k * interval
    let chunk = ""
    for (let v = 0; v < table.length; v++) {
      const vm = table[v]!
      if (time < vm.created || time >= vm.deleted) continue
      const avg = Math.min(100, Math.max(0, vm.mean + 8 * random.normal()))
      chunk += `${time},${vm.id},${(avg * 0.6).toFixed(3)},${Math.min(100, avg * 1.5).toFixed(3)},${avg.toFixed(3)}\n`
      lines++
      if (chunk.length > 1 << 20) {
        await write(shard, chunk)
        chunk = ""
      }
    }
    await write(shard, chunk)
  }
  shard.gzip.end()
  await shard.done
}
console.log(
  `${dir}: ${vms} VMs, ${lines} readings over ${days} day(s) in ${shards} shards, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`
)
