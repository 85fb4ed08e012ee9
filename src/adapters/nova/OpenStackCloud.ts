/**
 * The live `Cloud`: hosts and VMs from Nova, utilisation histories from `UsageHistory`, live
 * migrations through the `MigrationExecutor`, suspend and wake through `HostPower`. A host whose
 * compute service is down, disabled by an operator, or that failed to wake is reported as
 * `failed`: the control core never places VMs there, and `migrate` refuses it as a target.
 * `reconcile` settles at start what a crash left unfinished (Reconcile.ts).
 * Each VM carries its server group from `/os-server-groups` (a group whose policy Neat does not
 * know is left out, as if its members had none).
 */
import { Effect, Layer, Option, Ref } from "effect"
import { Cloud, type CloudApi } from "../../core/Cloud.js"
import { CloudActionError, UnknownHost } from "../../core/errors.js"
import type { HostState, PowerState } from "../../core/Host.js"
import type { Migration, MigrationOutcome } from "../../core/Placement.js"
import { isServerGroupPolicy, type ServerGroup } from "../../core/ServerGroup.js"
import type { VmState } from "../../core/Vm.js"
import { describeOpenStackError, type OpenStackError } from "./errors.js"
import { HostPower, isDisabledByNeat, isDisabledByOperator } from "./HostPower.js"
import { HostPowerLog } from "./HostPowerLog.js"
import { type MigrationRequest, makeMigrationExecutor } from "./MigrationExecutor.js"
import type { MigrationLog } from "./MigrationLog.js"
import type { MigrationPolicy } from "./MigrationPolicy.js"
import { Nova } from "./Nova.js"
import { type ComputeService, type NovaServerGroup, type Server, serverGroupPolicyName } from "./NovaModels.js"
import { makeReconcile } from "./Reconcile.js"
import { UsageHistory } from "./UsageHistory.js"

export interface CloudInventoryOptions {
  /** compute_hosts: the hosts Neat manages; every compute host when empty. */
  readonly computeHosts: ReadonlyArray<string>
  /** Clock of one physical core, MHz (Nova does not report it). */
  readonly hostMhzPerCore: number
  /** Per-host overrides of `hostMhzPerCore`. */
  readonly hostMhz: Readonly<Record<string, number>>
}

/** The power state a host's compute service and power record stand for. */
export const powerStateOf = (
  service: ComputeService,
  markedFailed: boolean,
  inProgress: "suspending" | "waking" | undefined
): PowerState => {
  if (inProgress !== undefined) return inProgress
  if (markedFailed || isDisabledByOperator(service)) return "failed"
  if (isDisabledByNeat(service)) return service.state === "down" ? "suspended" : "suspending"
  return service.state === "up" ? "active" : "failed"
}

/** Why a host cannot receive a migration, or undefined when it can. */
export const unusableTargetReason = (service: ComputeService, markedFailed: boolean): string | undefined => {
  if (isDisabledByOperator(service)) {
    return `its compute service was disabled by an operator (${service.disabled_reason ?? "no reason given"})`
  }
  if (markedFailed) return "it failed to wake and is marked failed"
  if (isDisabledByNeat(service)) return "it is suspended by Neat"
  if (service.state !== "up") return "its compute service is down"
  return undefined
}

/** Server UUID → its group, for the groups whose policy is one of Nova's four. */
export const groupsByMember = (groups: ReadonlyArray<NovaServerGroup>): ReadonlyMap<string, ServerGroup> => {
  const byMember = new Map<string, ServerGroup>()
  for (const group of groups) {
    const policy = serverGroupPolicyName(group)
    if (policy === undefined || !isServerGroupPolicy(policy)) continue
    const domain: ServerGroup = { id: group.id, name: group.name ?? group.id, policy }
    for (const member of group.members) byMember.set(member, domain)
  }
  return byMember
}

const hostOf = (server: Server): string | undefined => server["OS-EXT-SRV-ATTR:host"] ?? undefined

export const makeOpenStackCloud = (
  inventory: CloudInventoryOptions,
  policy: MigrationPolicy
): Effect.Effect<CloudApi, never, Nova | HostPower | HostPowerLog | UsageHistory | MigrationLog> =>
  Effect.gen(function* () {
    const nova = yield* Nova
    const power = yield* HostPower
    const powerLog = yield* HostPowerLog
    const history = yield* UsageHistory
    const executor = yield* makeMigrationExecutor(policy)
    const inProgress = yield* Ref.make(new Map<string, "suspending" | "waking">())
    const managed = (host: string) => inventory.computeHosts.length === 0 || inventory.computeHosts.includes(host)

    const inventoryError = (action: "inventory" | "migrate") => (error: OpenStackError) =>
      new CloudActionError({ action, target: "nova", message: describeOpenStackError(error), cause: error })

    const isMarkedFailed = (host: string) =>
      Effect.map(powerLog.latest(host), (latest) => Option.isSome(latest) && latest.value.state === "failed")

    const hosts = Effect.gen(function* () {
      const [hypervisors, services, servers] = yield* Effect.all(
        [nova.hypervisors, nova.computeServices, nova.servers],
        {
          concurrency: 3
        }
      ).pipe(Effect.mapError(inventoryError("inventory")))
      const running = yield* Ref.get(inProgress)
      const result: Array<HostState> = []
      for (const hypervisor of hypervisors) {
        const name = hypervisor.service.host
        if (!managed(name)) continue
        const service = services.find((s) => s.host === name)
        if (service === undefined) continue
        const failed = yield* isMarkedFailed(name)
        result.push({
          name,
          cores: hypervisor.vcpus,
          mhzPerCore: inventory.hostMhz[name] ?? inventory.hostMhzPerCore,
          ramMb: hypervisor.memory_mb,
          power: powerStateOf(service, failed, running.get(name)),
          vms: servers
            .filter((server) => hostOf(server) === name)
            .map((server) => server.id)
            .sort()
        })
      }
      return result.sort((a, b) => a.name.localeCompare(b.name))
    })

    const vms = Effect.all([nova.servers, nova.serverGroups], { concurrency: 2 }).pipe(
      Effect.mapError(inventoryError("inventory")),
      Effect.map(([servers, groups]) => {
        const groupOf = groupsByMember(groups)
        return servers.flatMap((server): Array<VmState> => {
          const host = hostOf(server)
          if (host === undefined || !managed(host)) return []
          const serverGroup = groupOf.get(server.id)
          const vm = { uuid: server.id, host, ramMb: server.flavor.ram, vcpus: server.flavor.vcpus }
          return [serverGroup === undefined ? vm : { ...vm, serverGroup }]
        })
      })
    )

    const migrate = (
      migrations: ReadonlyArray<Migration>,
      onOutcome?: (outcome: MigrationOutcome) => Effect.Effect<void>
    ) =>
      Effect.gen(function* () {
        if (migrations.length === 0) return []
        const [services, servers] = yield* Effect.all([nova.computeServices, nova.servers], { concurrency: 2 }).pipe(
          Effect.mapError(inventoryError("migrate"))
        )
        const refused = new Map<number, MigrationOutcome>()
        const requests: Array<{ index: number; request: MigrationRequest }> = []
        for (const [index, migration] of migrations.entries()) {
          const reject = (reason: string) => refused.set(index, { _tag: "MigrationFailed", migration, reason })
          const server = servers.find((s) => s.id === migration.vm)
          const target = services.find((s) => s.host === migration.to)
          if (server === undefined) {
            reject(`Nova has no server ${migration.vm}`)
          } else if (hostOf(server) !== migration.from) {
            reject(`the VM runs on ${hostOf(server) ?? "no host"}, not on ${migration.from}`)
          } else if (target === undefined || !managed(migration.to)) {
            reject(`${migration.to} is not a compute host Neat manages`)
          } else if (migration.to === migration.from) {
            reject("source and target are the same host")
          } else {
            const why = unusableTargetReason(target, yield* isMarkedFailed(migration.to))
            if (why !== undefined) reject(`${migration.to} cannot receive VMs: ${why}`)
            else requests.push({ index, request: { ...migration, ramMb: server.flavor.ram } })
          }
        }
        const outcomes = yield* executor.run(
          requests.map((r) => r.request),
          onOutcome
        )
        const byIndex = new Map(requests.map((r, i) => [r.index, outcomes[i]]))
        return migrations.map((migration, index): MigrationOutcome => {
          const outcome = refused.get(index) ?? byIndex.get(index)
          return outcome ?? { _tag: "MigrationFailed", migration, reason: "no outcome" }
        })
      })

    const tracked = <E>(host: string, state: "suspending" | "waking", effect: Effect.Effect<void, E>) =>
      Effect.acquireUseRelease(
        Ref.update(inProgress, (map) => new Map(map).set(host, state)),
        () => effect,
        () =>
          Ref.update(inProgress, (map) => {
            const next = new Map(map)
            next.delete(host)
            return next
          })
      )

    const ensureManaged = (host: string) => (managed(host) ? Effect.void : Effect.fail(new UnknownHost({ host })))

    return {
      hosts,
      vms,
      vmCpuHistory: (uuid, n) => history.vmCpuMhz(uuid, n),
      hostCpuHistory: (host, n) => history.hostCpuMhz(host, n),
      vmCpuHistories: (uuids, n) => history.vmCpuMhzMany(uuids, n),
      hostCpuHistories: (hosts, n) => history.hostCpuMhzMany(hosts, n),
      migrate,
      suspendHost: (host) => Effect.zipRight(ensureManaged(host), tracked(host, "suspending", power.suspend(host))),
      wakeHost: (host) => Effect.zipRight(ensureManaged(host), tracked(host, "waking", power.wake(host))),
      reconcile: makeReconcile({ nova, power, powerLog, policy, managed, tracked })
    } satisfies CloudApi
  })

/** `Cloud` from Nova and the power services; the store-backed services are left to the caller. */
export const OpenStackCloudFromServices = (
  inventory: CloudInventoryOptions,
  policy: MigrationPolicy
): Layer.Layer<Cloud, never, Nova | HostPower | HostPowerLog | UsageHistory | MigrationLog> =>
  Layer.effect(Cloud, makeOpenStackCloud(inventory, policy))
