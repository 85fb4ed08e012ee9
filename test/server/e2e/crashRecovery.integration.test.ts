/**
 * kill -9 of `neat serve --mode openstack` in the middle of an action, against the fake OpenStack
 * (compute7 and compute8, kept for this suite) and the loopback sshd, then a restart: the intent
 * log shows what was unfinished, the restarted global manager settles it against Nova before its
 * first request, and afterwards no VM is unaccounted for (Nova, the store's migrations and the
 * decision log agree) and no host is stranded (disabled by Neat but up, or `executing` forever).
 *
 * The kill lands deterministically: mid-migration, as soon as Nova shows the VM migrating (a live
 * migration of the fake driver takes about 6.5 s); mid-suspend, while the test's sleep command
 * hangs on its first run (it touches a `hung` file and sleeps; later runs put the host to sleep).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { sha1Hex } from "../../../src/server/http/RequestSigning.js"
import {
  adminCredentials,
  fakeCloudAndSshdEnv as env,
  liveStackConf,
  type PhysicalHost,
  playPhysicalHost
} from "../../support/fakeCloud.js"
import {
  type AdminSession,
  adminSession,
  bootServer,
  computeServices,
  deleteServer,
  fakeImageId,
  serverView,
  updateService,
  waitActive,
  waitDeleted,
  waitFor
} from "../../support/fakeCloudAdmin.js"
import { freePort } from "../../support/localServer.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { type ServedCli, startServedCli } from "../../support/servedCli.js"

const source = "compute7"
const target = "compute8"
const hosts = [source, target] as const
const macs: Record<string, string> = { compute7: "52:54:00:4e:45:07", compute8: "52:54:00:4e:45:08" }
/** m1.small: 1 vCPU, 2048 MB. */
const flavor = "2"

interface ActionRow {
  readonly decision_id: number
  readonly kind: string
  readonly vm: string | null
  readonly host: string
  readonly state: string
  readonly detail: string
}

describeWithRequirement("kill -9 of neat serve mid-action, then a restart (fake OpenStack)", env, (values) => {
  const credentials = adminCredentials(values)
  const scratch = mkdtempSync(join(tmpdir(), "neat-crash-"))
  const marker = join(scratch, "asleep")
  const hung = join(scratch, "hung")
  const database = join(scratch, "neat.db")
  const conf = join(scratch, "neat.conf")
  let admin: AdminSession
  let machine: PhysicalHost
  let served: ServedCli | undefined
  const servers: Record<string, string> = {}
  const outputs: Array<string> = []

  const rows = <T>(query: string): Array<T> => {
    const db = new Database(database, { readonly: true })
    try {
      return db.prepare(query).all() as Array<T>
    } finally {
      db.close()
    }
  }
  const serviceOf = async (host: string) => (await computeServices(admin)).find((s) => s.host === host)
  let writeConf: (port: number) => void = () => undefined
  /**
   * Starts serve; when its port was taken meanwhile (the suite opens many connections), on another
   * one: the tests reach it by the address it logs.
   */
  const serve = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        served = await startServedCli(["serve", "--config", conf, "--mode", "openstack"], {}, 60_000)
        return served
      } catch (error) {
        if (attempt === 3 || !String(error).includes("EADDRINUSE")) throw error
        writeConf(await freePort())
      }
    }
  }
  const killHard = async (running: ServedCli) => {
    process.kill(running.pid, "SIGKILL")
    await waitFor("the killed process to exit", 10_000, async () => {
      try {
        process.kill(running.pid, 0)
        return undefined
      } catch {
        return true
      }
    })
    outputs.push(running.output())
  }
  /** Neat's form PUT / (fire and forget: the process is killed before it answers). */
  const underload = (url: string, host: string) => {
    void fetch(`${url}/`, {
      method: "PUT",
      body: new URLSearchParams({
        username: sha1Hex(credentials.user),
        password: sha1Hex(credentials.password),
        time: (Date.now() / 1000).toFixed(3),
        host,
        reason: "0"
      })
    }).catch(() => undefined)
  }
  /** No VM unaccounted for, no host stranded, nothing left executing. */
  const assertSettled = async () => {
    assert.deepStrictEqual(rows("select id from decisions where outcome = 'executing'"), [])
    assert.deepStrictEqual(rows("select id from decision_actions where state = 'pending'"), [])
    for (const host of hosts) {
      const service = await serviceOf(host)
      const stranded = service?.status === "disabled" && service.state === "up"
      assert.isFalse(stranded, `${host} is disabled but up: ${JSON.stringify(service)}`)
    }
    const recorded = rows<{ uuid: string; hostname: string }>(
      "select uuid, hostname from vm_migrations join vms on vms.id = vm_id join hosts on hosts.id = host_id order by vm_migrations.id"
    )
    for (const [name, id] of Object.entries(servers)) {
      const view = await serverView(admin, id)
      assert.strictEqual(view?.status, "ACTIVE", `${name} is ${JSON.stringify(view)}`)
      assert.isNull(view?.taskState ?? null)
      const last = recorded.filter((row) => row.uuid === id).at(-1)
      if (last !== undefined) assert.strictEqual(last.hostname, view?.host, `${name}: the store says ${last.hostname}`)
    }
  }

  beforeAll(async () => {
    admin = await adminSession(credentials)
    for (const host of hosts) await updateService(admin, host, { forced_down: false, status: "enabled" })
    machine = await playPhysicalHost(admin, { host: source, mac: macs[source]!, marker })
    const image = await fakeImageId(admin)
    const tag = Date.now().toString(36)
    servers.a = await bootServer(admin, { name: `neat-crash-a-${tag}`, imageId: image, flavorId: flavor, host: source })
    servers.b = await bootServer(admin, { name: `neat-crash-b-${tag}`, imageId: image, flavorId: flavor, host: target })
    for (const id of Object.values(servers)) await waitActive(admin, id)

    writeFileSync(join(scratch, "known_hosts"), readFileSync(values.NEAT_TEST_SSH_KNOWN_HOSTS, "utf8"))
    // The sleep command hangs on its first run (the kill mid-suspend lands then); later runs put the host to sleep.
    const sleep = `if [ -e ${hung} ]; then touch ${marker}; else touch ${hung}; sleep 300; fi`
    writeConf = (port) =>
      writeFileSync(
        conf,
        liveStackConf({
          scratch,
          database,
          credentials,
          hosts,
          port,
          sshKey: values.NEAT_TEST_SSH_KEY,
          sshPort: values.NEAT_TEST_SSH_PORT,
          sleepCommand: ["sh", "-c", sleep],
          wolPort: machine.listener.port,
          macs,
          extra: ["migration_poll_interval = 0.5"]
        })
      )
    writeConf(await freePort())
    // What the collectors would have stored: both hosts, and the VMs' CPU use (a idles, b works).
    await Effect.runPromise(
      Effect.provide(
        Effect.flatMap(Store, (store) =>
          Effect.gen(function* () {
            for (const host of hosts) yield* store.updateHost(host, 16000, 8, 16384)
            for (let i = 0; i < 3; i++) {
              yield* store.insertVmCpuMhz({ [servers.a!]: 100, [servers.b!]: 1000 })
              for (const host of hosts) yield* store.insertHostCpuMhz(host, 100)
            }
          })
        ),
        Store.layer(database)
      )
    )
  })

  afterAll(async () => {
    await served?.stop()
    await machine?.stop()
    if (admin !== undefined) {
      for (const host of hosts) await updateService(admin, host, { forced_down: false, status: "enabled" })
      for (const id of Object.values(servers)) await deleteServer(admin, id)
      for (const id of Object.values(servers)) await waitDeleted(admin, id)
    }
    rmSync(scratch, { recursive: true, force: true })
  })

  it("killed mid-migration: the restart finds the VM's migration done in Nova and completes the decision", {
    timeout: 240_000
  }, async () => {
    const first = await serve()
    underload(first.url, source)
    await waitFor(`${servers.a} to be migrating`, 60_000, async () => {
      const view = await serverView(admin, servers.a!)
      return view?.taskState === "migrating" || view?.status === "MIGRATING" ? true : undefined
    })
    const intent = rows<ActionRow>("select * from decision_actions order by id")
    assert.deepStrictEqual(
      intent.map((row) => [row.kind, row.vm ?? row.host, row.state]),
      [
        ["migrate", servers.a, "pending"],
        ["suspend", source, "pending"]
      ],
      "the plan is recorded before the migration starts"
    )
    await killHard(first)
    assert.deepStrictEqual(
      rows<{ outcome: string }>("select outcome from decisions"),
      [{ outcome: "executing" }],
      "the kill left the decision executing"
    )

    const second = await serve()
    await waitFor("the reconciliation at start", 120_000, async () =>
      /reconciled at start/.test(second.output()) ? true : undefined
    )
    const settled = rows<ActionRow>("select * from decision_actions order by id")
    assert.deepStrictEqual(
      settled.map((row) => [row.kind, row.state]),
      [
        ["migrate", "done"],
        ["suspend", "failed"]
      ]
    )
    assert.match(settled[1]!.detail, /never started/)
    assert.strictEqual((await serverView(admin, servers.a!))?.host, target)
    const [decision] = rows<{ outcome: string; inputs: string }>("select outcome, inputs from decisions")
    assert.strictEqual(decision?.outcome, "partial")
    assert.match(JSON.parse(decision!.inputs).detail, /interrupted .* settled at start: 1 of 2 actions done/)
    await assertSettled()
    await second.stop()
    outputs.push(second.output())
  })

  it("killed mid-suspend: the restart finishes the suspend of the host Neat disabled", {
    timeout: 240_000
  }, async () => {
    const first = await serve()
    underload(first.url, source)
    // The host is disabled by Neat and the sleep command hangs in its first run.
    await waitFor(`${source} disabled by Neat, its sleep command running`, 60_000, async () => {
      const service = await serviceOf(source)
      return existsSync(hung) && service?.status === "disabled" && (service.disabledReason ?? "").startsWith("Neat:")
        ? true
        : undefined
    })
    assert.strictEqual((await serviceOf(source))?.state, "up", "the host is still up when the kill lands")
    await killHard(first)
    const pending = rows<ActionRow>("select * from decision_actions where state = 'pending'")
    assert.deepStrictEqual(
      pending.map((row) => [row.kind, row.host]),
      [["suspend", source]]
    )

    const second = await serve()
    await waitFor("the reconciliation at start", 120_000, async () =>
      /reconciled at start/.test(second.output()) ? true : undefined
    )
    const service = await serviceOf(source)
    assert.strictEqual(service?.status, "disabled")
    await waitFor(`${source} down`, 30_000, async () =>
      (await serviceOf(source))?.state === "down" ? true : undefined
    )
    assert.isTrue(machine.isAsleep(), "the sleep command ran again at start")
    const settled = rows<ActionRow>(
      `select * from decision_actions where decision_id = (select max(decision_id) from decision_actions)`
    )
    assert.deepStrictEqual(
      settled.map((row) => [row.kind, row.state]),
      [["suspend", "done"]]
    )
    const states = rows<{ state: number }>(
      `select state from host_states join hosts on hosts.id = host_id where hostname = '${source}' order by host_states.id`
    )
    assert.strictEqual(states.at(-1)?.state, 0, "the store records the host suspended")
    await assertSettled()
    const decisions = rows<{ outcome: string }>("select outcome from decisions order by id")
    assert.deepStrictEqual(
      decisions.map((d) => d.outcome),
      ["partial", "done"]
    )
    await second.stop()
  })
})
