/**
 * The whole live stack against the real fake OpenStack: `neat serve --mode openstack` (in
 * process, store on SQLite, configured from one neat.conf), and on each of compute5 and compute6 a
 * data collector fed by `UsageReplay` (each VM replays a utilisation series) and `neat
 * local-manager`. compute5's VM idles: compute5 is underloaded, its VM is live-migrated through
 * Nova, its compute service disabled and the sleep command run over the loopback sshd. Then every
 * VM gets busy: compute6 is overloaded, and placing its selected VM needs compute5, which is woken
 * with a magic packet to 127.0.0.1 and enabled again before the VM moves there. compute5 plays a
 * physical host: the sleep command's marker forces its service down, its magic packet lifts that.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Cause, Effect, Exit, Fiber, HashMap, Inspectable, Layer, Logger, LogLevel, Option } from "effect"
import { afterAll, assert, beforeAll, it } from "vitest"
import { makeLocalManagerCommand } from "../../../src/server/cli/localManager.js"
import { makeServeCommand } from "../../../src/server/cli/serve.js"
import { defaultWiring } from "../../../src/server/cli/wiring.js"
import { runCollector } from "../../../src/server/collector/runCollector.js"
import {
  makeUsageReplay,
  type ReplayDomain,
  type UsageReplay,
  usageReplayLayer
} from "../../../src/server/collector/UsageReplay.js"
import { loadNeatConfig } from "../../../src/server/config/NeatConfig.js"
import { Store } from "../../../src/server/db/Store.js"
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
import { freePort, waitForHealth } from "../../support/localServer.js"
import { runCommandInProcess } from "../../support/neatCli.js"
import { describeWithRequirement } from "../../support/requirement.js"
import { expectedMagicPacket } from "../../support/wolListener.js"

const sleeper = "compute5"
const busy = "compute6"
const hosts = [sleeper, busy] as const
const macs: Record<string, string> = { compute5: "52:54:00:4e:45:05", compute6: "52:54:00:4e:45:06" }
/** m1.medium: 2 vCPUs, 4096 MB; the fake hosts have 8 vCPUs of 2000 MHz (16000 MHz) and 16384 MB. */
const flavor = "3"
const idle = [0.1]
const steady = [0.6]
const loaded = [1]

describeWithRequirement("the live stack consolidates the fake OpenStack (serve --mode openstack)", env, (values) => {
  const credentials = adminCredentials(values)
  const scratch = mkdtempSync(join(tmpdir(), "neat-live-"))
  const marker = join(scratch, "asleep")
  const database = join(scratch, "neat.db")
  const conf = join(scratch, "neat.conf")
  let admin: AdminSession
  let machine: PhysicalHost
  const servers: Record<string, string> = {}
  const replays = new Map<string, UsageReplay>()
  const fibers: Array<Fiber.RuntimeFiber<unknown, unknown>> = []
  const daemonNames: Array<string> = []
  let port = 0

  /** The servers Nova places on `host` now, as the replay's running domains. */
  const domainsOn = (host: string) =>
    Effect.promise(async (): Promise<ReadonlyArray<ReplayDomain>> => {
      const found: Array<ReplayDomain> = []
      for (const [name, id] of Object.entries(servers)) {
        const view = await serverView(admin, id)
        if (view?.host === host && view.status === "ACTIVE") found.push({ uuid: id, name, vcpus: 2 })
      }
      return found
    })

  /**
   * The stack's log, kept (not printed) so that a failure can say what the daemons were doing: the
   * newest lines, the collectors' routine lines left out.
   */
  const logLines: Array<string> = []
  const keptLogger = Logger.make(({ annotations, date, logLevel, message }) => {
    const service = Option.getOrElse(HashMap.get(annotations, "service"), () => "")
    if (service === "collector" && logLevel.ordinal < LogLevel.Warning.ordinal) return
    const text = Array.isArray(message)
      ? message.map(Inspectable.toStringUnknown).join(" ")
      : Inspectable.toStringUnknown(message)
    logLines.push(`${date.toISOString()} ${logLevel.label} ${String(service)} ${text}`)
    if (logLines.length > 400) logLines.splice(0, logLines.length - 400)
  })
  const logging = Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, keptLogger),
    Logger.minimumLogLevel(LogLevel.Info)
  )

  beforeAll(async () => {
    admin = await adminSession(credentials)
    for (const host of hosts) await updateService(admin, host, { forced_down: false, status: "enabled" })
    machine = await playPhysicalHost(admin, { host: sleeper, mac: macs[sleeper]!, marker })

    const image = await fakeImageId(admin)
    const tag = Date.now().toString(36)
    const placement: Array<[string, string]> = [
      [`neat-live-a-${tag}`, sleeper],
      [`neat-live-b-${tag}`, busy],
      [`neat-live-c-${tag}`, busy]
    ]
    for (const [name, host] of placement)
      servers[name] = await bootServer(admin, { name, imageId: image, flavorId: flavor, host })
    for (const id of Object.values(servers)) await waitActive(admin, id)

    const pinned = readFileSync(values.NEAT_TEST_SSH_KNOWN_HOSTS, "utf8")
    writeFileSync(join(scratch, "known_hosts"), pinned)
    const writeConf = () =>
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
          sleepCommand: ["touch", marker],
          wolPort: machine.listener.port,
          macs,
          extra: [
            "data_collector_interval = 1",
            "local_manager_interval = 2",
            "migration_poll_interval = 1",
            "algorithm_underload_detection_factory = underload/threshold",
            'algorithm_underload_detection_parameters = {"threshold": 0.2}',
            "algorithm_overload_detection_factory = overload/threshold",
            'algorithm_overload_detection_parameters = {"threshold": 0.7}',
            "algorithm_vm_selection_factory = selection/minimum_migration_time",
            "algorithm_vm_selection_parameters = {}"
          ]
        })
      )

    const run = <A, E>(name: string, effect: Effect.Effect<A, E, never>) => {
      daemonNames.push(name)
      const fiber = Effect.runFork(effect.pipe(Effect.provide(logging)))
      fibers.push(fiber)
      return fiber
    }
    // The global manager first, answering before any local manager asks. A free port can be taken
    // by another process before serve binds it (the suite opens many connections at once): then
    // serve ends, and is started again on another port.
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      writeConf()
      const serve = run(
        "serve",
        runCommandInProcess(makeServeCommand(defaultWiring), ["--config", conf, "--mode", "openstack"])
      )
      const started = await Promise.race([
        waitForHealth(`http://127.0.0.1:${port}`, 120_000).then(() => "listening" as const),
        Effect.runPromise(Fiber.await(serve)).then((exit) => exit)
      ])
      if (started === "listening") break
      const why = Exit.isFailure(started) ? Cause.pretty(started.cause) : "it ended"
      if (attempt === 3) throw new Error(`serve did not start on three ports; the last time: ${why}`)
      fibers.pop()
      daemonNames.pop()
    }
    const config = await Effect.runPromise(loadNeatConfig({ configFile: conf }).pipe(Effect.provide(NodeContext.layer)))
    for (const host of hosts) {
      const directory = join(scratch, host)
      mkdirSync(directory, { recursive: true })
      const replay = await Effect.runPromise(
        makeUsageReplay({
          hostname: host,
          node: { cpus: 8, mhz: 2000, memoryMb: 16384 },
          domains: domainsOn(host),
          sampleSec: 60,
          hostOwnFraction: 0.01,
          defaultSeries: steady
        })
      )
      replays.set(host, replay)
      run(
        `collector on ${host}`,
        runCollector({ ...config, localHostName: host, localDataDirectory: directory }, { once: false }).pipe(
          Effect.provide(Layer.mergeAll(usageReplayLayer(replay), Store.layer(database), NodeContext.layer))
        )
      )
      run(
        `local-manager on ${host}`,
        runCommandInProcess(makeLocalManagerCommand(defaultWiring), [
          "--config",
          conf,
          "--local-data-directory",
          directory,
          "--local-host-name",
          host,
          "--host-cpu-mhz",
          "16000"
        ])
      )
    }
  })

  afterAll(async () => {
    for (const fiber of fibers) await Effect.runPromise(Fiber.interrupt(fiber))
    await machine?.stop()
    if (admin !== undefined) {
      for (const host of hosts) await updateService(admin, host, { forced_down: false, status: "enabled" })
      for (const id of Object.values(servers)) await deleteServer(admin, id)
      for (const id of Object.values(servers)) await waitDeleted(admin, id)
    }
    rmSync(scratch, { recursive: true, force: true })
  })

  const serviceOf = async (host: string) => (await computeServices(admin)).find((s) => s.host === host)
  const hostOf = async (name: string) => (await serverView(admin, servers[name]!))?.host
  const names = () => Object.keys(servers)
  const withStore = <A>(f: (store: Store["Type"]) => Effect.Effect<A, unknown>) =>
    Effect.runPromise(Effect.provide(Effect.flatMap(Store, f), Store.layer(database)))

  /** Each daemon's state: running, or how it ended (none should end before the tests do). */
  const daemonStates = async () => {
    const states: Array<string> = []
    for (const [i, fiber] of fibers.entries()) {
      const exit = await Effect.runPromise(Fiber.poll(fiber))
      const state = Option.match(exit, {
        onNone: () => "running",
        onSome: (ended) => (Exit.isSuccess(ended) ? "ended" : `failed: ${Cause.pretty(ended.cause)}`)
      })
      states.push(`${daemonNames[i]}: ${state}`)
    }
    return states
  }

  /** `waitFor`, but a daemon that ended stops the wait at once. */
  const waitForStack = <A>(what: string, timeoutMs: number, probe: () => Promise<A | undefined>) =>
    waitFor(what, timeoutMs, async () => {
      const ended = (await daemonStates()).filter((state) => !state.endsWith(": running"))
      if (ended.length > 0) throw new Error(`a daemon ended while waiting for ${what}: ${ended.join("; ")}`)
      return probe()
    })

  /** Rethrows `error` with what the stack was doing: Nova's view, Neat's store, the daemons and their log. */
  const explained = async (error: unknown): Promise<never> => {
    const clip = (value: unknown) => JSON.stringify(value).slice(0, 600)
    const lines = [error instanceof Error ? error.message : String(error), "Nova:"]
    try {
      for (const [name, id] of Object.entries(servers)) lines.push(`  ${name}: ${clip(await serverView(admin, id))}`)
      for (const host of hosts) lines.push(`  service ${host}: ${clip(await serviceOf(host))}`)
    } catch (cause) {
      lines.push(`  unavailable: ${String(cause)}`)
    }
    lines.push("Neat's store:")
    try {
      const found = await withStore((store) =>
        Effect.all({ decisions: store.listDecisions(), attempts: store.listMigrationAttempts() })
      )
      for (const decision of found.decisions) lines.push(`  decision ${clip(decision)}`)
      for (const attempt of found.attempts) lines.push(`  attempt ${clip(attempt)}`)
    } catch (cause) {
      lines.push(`  unavailable: ${String(cause)}`)
    }
    lines.push("Daemons:", ...(await daemonStates()).map((state) => `  ${state}`))
    lines.push("Log, newest last:", ...logLines.slice(-150).map((line) => `  ${line}`))
    const explanation = new Error(lines.join("\n"))
    if (error instanceof Error && error.stack !== undefined)
      explanation.stack = `${explanation.message}\n${error.stack}`
    throw explanation
  }

  it(
    "drains the idle host through Nova, disables its service and suspends it over SSH",
    {
      timeout: 270_000
    },
    () => drainsTheIdleHost().catch(explained)
  )

  const drainsTheIdleHost = async () => {
    const [a] = names() as [string]
    await Effect.runPromise(replays.get(sleeper)!.setSeries(servers[a]!, idle))
    await waitForStack(`${a} to leave ${sleeper}`, 200_000, async () => ((await hostOf(a)) === busy ? true : undefined))
    await waitForStack(`${sleeper} to be suspended`, 60_000, async () => {
      const service = await serviceOf(sleeper)
      return service?.status === "disabled" && service.state === "down" ? service : undefined
    })
    assert.match((await serviceOf(sleeper))?.disabledReason ?? "", /^Neat: /)
    assert.isTrue(machine.isAsleep(), "the sleep command ran over SSH")
    // The decision is recorded once its whole plan (migrations, then the suspend) has run.
    const stored = await waitForStack("the underload decision in the store", 30_000, async () => {
      const found = await withStore((store) =>
        Effect.all({
          migrations: store.listMigrations(),
          attempts: store.listMigrationAttempts(servers[a]),
          power: store.selectLatestHostPower(sleeper),
          decisions: store.listDecisions({ host: sleeper, reason: "underload" })
        })
      )
      return found.decisions.some((d) => d.outcome === "done") ? found : undefined
    })
    assert.deepStrictEqual(
      stored.migrations.map((m) => [m.vm, m.host]),
      [[servers[a], busy]]
    )
    assert.strictEqual(stored.attempts.at(-1)?.result, "migrated")
    assert.strictEqual(stored.power?.state, "suspended")
    assert.isTrue(stored.decisions.some((d) => d.outcome === "done"))
  }

  it(
    "wakes the suspended host with a magic packet when the other host overloads, and moves a VM there",
    {
      timeout: 270_000
    },
    () => wakesTheSuspendedHost().catch(explained)
  )

  const wakesTheSuspendedHost = async () => {
    for (const name of names())
      assert.notStrictEqual(
        await hostOf(name),
        sleeper,
        `${name} is still on ${sleeper}: the drain above did not happen`
      )
    const before = machine.listener.packets.length
    for (const id of Object.values(servers)) await Effect.runPromise(replays.get(busy)!.setSeries(id, loaded))
    const moved = await waitForStack(`a VM to move to the woken ${sleeper}`, 200_000, async () => {
      for (const name of names()) if ((await hostOf(name)) === sleeper) return name
      return undefined
    })
    const packets = machine.listener.packets.slice(before)
    assert.isAtLeast(packets.length, 1)
    for (const packet of packets) {
      assert.strictEqual(packet.fromAddress, "127.0.0.1")
      assert.isTrue(packet.bytes.equals(expectedMagicPacket(macs[sleeper]!)))
    }
    const service = await serviceOf(sleeper)
    assert.strictEqual(service?.status, "enabled")
    assert.strictEqual(service?.state, "up")
    const stored = await waitForStack("the overload decision in the store", 30_000, async () => {
      const found = await withStore((store) =>
        Effect.all({
          migrations: store.listMigrations({ vm: servers[moved] }),
          power: store.selectLatestHostPower(sleeper),
          decisions: store.listDecisions({ host: busy, reason: "overload" })
        })
      )
      return found.decisions.some((d) => d.outcome === "done") ? found : undefined
    })
    assert.strictEqual(stored.migrations[0]?.host, sleeper)
    assert.strictEqual(stored.power?.state, "active")
    assert.isTrue(stored.decisions.some((d) => d.outcome === "done"))
  }
})
