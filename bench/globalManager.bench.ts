/**
 * Global manager throughput and latency on a 1000-host in-memory cloud: the server runs in a child
 * process, the load generator here, over loopback. Then the placement decision on its own (tinybench).
 *
 *   npx tsx bench/globalManager.bench.ts
 *
 * `NEAT_BENCH_CONCURRENCY` sets the number of concurrent clients (default 50); `NEAT_BENCH_ONLY=text`
 * runs only the scenarios whose name contains the text.
 * Each load scenario is bounded by a request count and a time limit; the child is stopped at the end.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { Agent, request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Effect, Either, Layer, Logger, LogLevel } from "effect"
import { Bench } from "tinybench"
import { makePlacer } from "../src/algorithms/registry.js"
import { takeSnapshot } from "../src/core/control/CloudSnapshot.js"
import { DecisionLog } from "../src/core/control/DecisionLog.js"
import { defaultPlanningOptions, planReallocation } from "../src/core/control/GlobalPlanning.js"
import { Store } from "../src/server/db/Store.js"
import { sha1Hex } from "../src/server/http/RequestSigning.js"
import { StoreDecisionLog } from "../src/server/live/StoreDecisionLog.js"
import { startGlobalManager } from "../test/support/globalManager.js"
import { type CloudSetup, InMemoryCloud } from "../test/support/InMemoryCloud.js"
import { bundleForNode } from "./bundleForNode.js"

const HOSTS = 1000
const VMS_PER_HOST = 3
const CONCURRENCY = Number(process.env.NEAT_BENCH_CONCURRENCY ?? 50)
/** Only the scenarios whose name contains this text (all by default). */
const only = process.env.NEAT_BENCH_ONLY ?? ""
const MAX_REQUESTS = 20_000
const MAX_SECONDS = 5

/** 1000 hosts (PlanetLab-like: 2 cores at 1860 or 2660 MHz), three VMs each, 10 samples per VM. */
const setup = (): CloudSetup => {
  const hosts = []
  const vms = []
  let seed = 42
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  for (let h = 0; h < HOSTS; h++) {
    const name = `host-${String(h).padStart(4, "0")}`
    hosts.push({ name, cores: 2, mhzPerCore: h % 2 === 0 ? 1860 : 2660, ramMb: 4096, ownCpuMhz: [100] })
    for (let v = 0; v < VMS_PER_HOST; v++) {
      const cpuMhz = Array.from({ length: 10 }, () => Math.round(random() * 800))
      vms.push({ uuid: `${name}-vm${v}`, host: name, ramMb: [613, 870, 1740][v % 3]!, cpuMhz })
    }
  }
  return { hosts, vms }
}

/**
 * The placement `neat serve` runs by default: Neat's best fit decreasing from the registry, with
 * Neat's parameters (CPU 0.8, RAM 0.95, mean of the last 2 samples).
 */
const placement = () =>
  Either.getOrThrow(
    makePlacer(
      "placement/best_fit_decreasing",
      { cpu_threshold: 0.8, ram_threshold: 0.95, last_n_vm_cpu: 2 },
      { timeStepSec: 300, migrationTimeSec: 20 }
    )
  )

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

interface LoadResult {
  readonly scenario: string
  /** Server CPU time per request, microseconds (user + system). */
  serverCpuUs?: number
  /** Requests per second one fully available core would serve at that cost. */
  perCoreSecond?: number
  /** The load generator's own CPU time per request, microseconds (it shares the machine). */
  clientCpuUs?: number
  readonly requests: number
  readonly seconds: number
  readonly perSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly statuses: string
}

/**
 * The load generator's client: node:http over keep-alive sockets, one per concurrent client (fetch
 * costs several times more CPU per request, and the generator shares the machine with the server).
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })

interface Reply {
  readonly status: number
  readonly body: string
}

const putForm = (url: string, body: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "PUT",
        agent,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
        res.on("error", reject)
      }
    )
    req.on("error", reject)
    req.end(body)
  })

/** Runs `CONCURRENCY` clients until `MAX_REQUESTS` were sent or `MAX_SECONDS` passed. */
const load = async (
  scenario: string,
  url: string,
  body: (i: number) => URLSearchParams,
  maxSeconds = MAX_SECONDS,
  onReply: (reply: Reply) => void = () => {}
): Promise<LoadResult> => {
  const latencies: Array<number> = []
  const statuses = new Map<string, number>()
  let next = 0
  const start = performance.now()
  const deadline = start + maxSeconds * 1000
  const client = async () => {
    while (next < MAX_REQUESTS && performance.now() < deadline) {
      const i = next++
      const sent = performance.now()
      const reply = await putForm(url, body(i).toString())
      latencies.push(performance.now() - sent)
      const status = reply.status === 200 ? `200 ${outcomeOf(reply.body)}` : String(reply.status)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      onReply(reply)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client))
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  return {
    scenario,
    requests: latencies.length,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    statuses: [...statuses].map(([status, count]) => `${status}×${count}`).join(" ")
  }
}

const credentials = { username: sha1Hex("admin"), password: sha1Hex("s3cret") }

/** A 200 answer's decision outcome (`done`, `skipped`, ...), `coalesced` when it joined another request. */
const outcomeOf = (body: string): string => {
  const answer = JSON.parse(body) as { coalesced: boolean; decision: { outcome: string } }
  return answer.coalesced ? `${answer.decision.outcome} (coalesced)` : answer.decision.outcome
}

/**
 * Where the load generator last saw each VM, learnt from the answers' executed migrations, so that
 * every overload it sends names a VM on the host it names.
 */
class VmWhereabouts {
  private readonly hostOf = new Map<string, string>()
  private readonly uuids: ReadonlyArray<string>

  constructor(cloud: CloudSetup) {
    for (const vm of cloud.vms) this.hostOf.set(vm.uuid, vm.host)
    this.uuids = cloud.vms.map((vm) => vm.uuid)
  }

  /** An overload of the host that holds the i-th VM (in a scrambled order), naming that VM. */
  overload(i: number): URLSearchParams {
    const vm = this.uuids[(i * 7919) % this.uuids.length]!
    return new URLSearchParams({ ...credentials, time: now(), host: this.hostOf.get(vm)!, reason: "1", vm_uuids: vm })
  }

  learn(reply: Reply): void {
    if (reply.status !== 200) return
    const answer = JSON.parse(reply.body) as {
      decision: { execution: { migrations: ReadonlyArray<{ vm: string; to: string; migrated: boolean }> } }
    }
    for (const migration of answer.decision.execution.migrations) {
      if (migration.migrated) this.hostOf.set(migration.vm, migration.to)
    }
  }
}
const hostName = (i: number) => `host-${String((i * 7919) % HOSTS).padStart(4, "0")}`
const now = () => String(Date.now() / 1000)

/**
 * In the child: serve until stdin closes. With `storeFile`, decisions and migrations go to a SQLite
 * store there (as `neat serve` deploys), else to the in-memory log.
 */
const serve = async (snapshotMaxAge: number, storeFile: string | undefined) => {
  const cloud = new InMemoryCloud(setup())
  const decisionLog =
    storeFile === undefined
      ? DecisionLog.memory
      : StoreDecisionLog.pipe(Layer.provide(Store.layer(`sqlite:${storeFile}`)), Layer.orDie)
  const gm = await startGlobalManager(
    cloud,
    { data_collector_data_length: 10, snapshot_max_age: snapshotMaxAge },
    placement(),
    Logger.minimumLogLevel(LogLevel.Error),
    decisionLog
  )
  process.stdout.write(`${JSON.stringify({ port: gm.port })}\n`)
  // The parent asks for the CPU time used so far, to relate work to requests on a busy machine.
  process.on("message", () => {
    const usage = process.cpuUsage()
    process.send?.({ cpuMicros: usage.user + usage.system })
  })
  process.stdin.resume()
  process.stdin.on("end", () => {
    void gm.close().then(() => process.exit(0))
  })
}

/** With NEAT_BENCH_CPU_PROFILE=<dir>, each server child writes a V8 CPU profile there when it stops. */
const profileDir = process.env.NEAT_BENCH_CPU_PROFILE
const profileArgs = profileDir === undefined || profileDir === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]

/**
 * Starts the server child and waits for its port. The child runs this file bundled by esbuild under
 * plain node when esbuild is there (the same code without the TypeScript loader, whose compiled
 * functions lose their names in CPU profiles), else under tsx.
 */
const startServer = async (snapshotMaxAge: number, bundle: string | undefined, storeFile?: string) => {
  const entry = bundle === undefined ? [...process.execArgv, fileURLToPath(import.meta.url)] : [bundle]
  const store = storeFile === undefined ? [] : ["--store", storeFile]
  const child = spawn(process.execPath, [...profileArgs, ...entry, "--serve", String(snapshotMaxAge), ...store], {
    stdio: ["pipe", "pipe", "inherit", "ipc"]
  })
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once("message", (message) => resolve((message as { cpuMicros: number }).cpuMicros))
      child.send("cpu")
    })
  const lines = createInterface({ input: child.stdout! })
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the server exited (${code})`)))
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    cpuMicros,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit")
        child.once("exit", () => resolve())
        child.disconnect()
        child.stdin?.end()
        setTimeout(() => child.kill(), 5000).unref()
      })
  }
}

const serveAt = process.argv.indexOf("--serve")
if (serveAt >= 0) {
  const storeAt = process.argv.indexOf("--store")
  await serve(Number(process.argv[serveAt + 1] ?? "0"), storeAt >= 0 ? process.argv[storeAt + 1] : undefined)
} else {
  await main()
}

async function main() {
  const results: Array<LoadResult> = []
  const rejected403 = (i: number) =>
    new URLSearchParams({ ...credentials, password: sha1Hex("x"), time: now(), host: hostName(i), reason: "0" })
  const rejected412 = (i: number) =>
    new URLSearchParams({ ...credentials, time: "1000", host: hostName(i), reason: "0" })
  // Overloads naming a VM where the generator last saw it: every request plans and, unless another
  // request moved the VM meanwhile, migrates it.
  let whereabouts = new VmWhereabouts(setup())
  const bundle = await bundleForNode(fileURLToPath(import.meta.url), ["better-sqlite3"])
  const storeDir = mkdtempSync(join(tmpdir(), "neat-bench-"))
  const servers = [
    { snapshotMaxAge: 0, storeFile: undefined },
    { snapshotMaxAge: 1, storeFile: undefined },
    { snapshotMaxAge: 1, storeFile: join(storeDir, "neat.db") }
  ]
  for (const { snapshotMaxAge, storeFile } of servers) {
    const gm = await startServer(snapshotMaxAge, bundle, storeFile)
    whereabouts = new VmWhereabouts(setup())
    const overload = (i: number) => whereabouts.overload(i)
    const learn = (reply: Reply) => whereabouts.learn(reply)
    /** Runs a scenario (unless `NEAT_BENCH_ONLY` leaves it out) and adds the server's CPU cost per request. */
    const measured = async (scenario: string, run: (scenario: string) => Promise<LoadResult>) => {
      if (!scenario.includes(only)) return
      const before = await gm.cpuMicros()
      const clientBefore = process.cpuUsage()
      const result = await run(scenario)
      const client = process.cpuUsage(clientBefore)
      const used = (await gm.cpuMicros()) - before
      result.clientCpuUs = Math.round((client.user + client.system) / result.requests)
      result.serverCpuUs = Math.round(used / result.requests)
      result.perCoreSecond = Math.round(1e6 / result.serverCpuUs)
      results.push(result)
    }
    const suffix = ` [snapshot_max_age ${snapshotMaxAge}${storeFile === undefined ? "" : ", SQLite store"}]`
    try {
      // Warm-up, not reported: both processes compile their hot paths.
      await load("warm-up", `${gm.url}/`, (i) => (i % 2 === 0 ? rejected403(i) : rejected412(i)), 3)
      if (snapshotMaxAge === 0 && storeFile === undefined) {
        await measured("rejected (403, wrong password)", (name) => load(name, `${gm.url}/`, rejected403))
        await measured("rejected (412, stale)", (name) => load(name, `${gm.url}/`, rejected412))
      }
      await measured(`accepted overloads${suffix}`, (name) => load(name, `${gm.url}/`, overload, MAX_SECONDS, learn))
      await measured(`mixed 1:3 accepted:rejected${suffix}`, (name) =>
        load(name, `${gm.url}/`, (i) => (i % 4 === 0 ? overload(i) : rejected412(i)), MAX_SECONDS, learn)
      )
    } finally {
      await gm.stop()
    }
  }
  agent.destroy()
  rmSync(storeDir, { recursive: true, force: true })
  console.log(`Global manager load: ${HOSTS} hosts, ${HOSTS * VMS_PER_HOST} VMs, ${CONCURRENCY} concurrent clients`)
  console.table(results)

  // The placement decision alone: planning an overload and an underload on the 1000-host snapshot.
  const fresh = new InMemoryCloud(setup())
  const snapshot = Effect.runSync(takeSnapshot({ historyLength: 10 }).pipe(Effect.provide(fresh.layer)))
  const placer = placement()
  const options = { ...defaultPlanningOptions, hostCpuUsableByVms: 1 }
  const bench = new Bench({ time: 500, warmupTime: 100 })
  bench
    .add("plan overload (1 VM, 1000 hosts)", () => {
      planReallocation(
        snapshot,
        { host: "host-0500", reason: "overload", vmUuids: ["host-0500-vm0"] },
        placer,
        null,
        options
      )
    })
    .add("plan underload (3 VMs, 1000 hosts)", () => {
      planReallocation(snapshot, { host: "host-0501", reason: "underload", vmUuids: [] }, placer, null, options)
    })
    .add("snapshot of 1000 hosts from the in-memory cloud", () => {
      Effect.runSync(takeSnapshot({ historyLength: 10 }).pipe(Effect.provide(fresh.layer)))
    })
  await bench.run()
  console.table(bench.table())
}
