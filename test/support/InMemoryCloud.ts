/**
 * A working in-memory cloud for tests and benchmarks: hosts with power states, VMs with CPU
 * histories, live migration that checks its preconditions like a real cloud would (the VM is on
 * the source, the target is another active host with room in memory), suspend only of empty active
 * hosts, wake only of suspended ones. Failures can be injected per host.
 */
import { Effect, Layer } from "effect"
import { Cloud, type CloudApi } from "../../src/core/Cloud.js"
import { CloudActionError, type CloudError, UnknownHost, UnknownVm } from "../../src/core/errors.js"
import type { HostSpec, HostState, PowerState } from "../../src/core/Host.js"
import type { Migration, MigrationOutcome } from "../../src/core/Placement.js"
import type { VmState } from "../../src/core/Vm.js"

export interface MemoryHost extends HostSpec {
  power: PowerState
  /** The host's own CPU use (hypervisor overhead) per sample, MHz, oldest first. */
  ownCpuMhz: Array<number>
}

export interface MemoryVm {
  readonly uuid: string
  readonly ramMb: number
  readonly vcpus: number
  host: string
  /** CPU use per sample, MHz, oldest first. */
  cpuMhz: Array<number>
}

export interface CloudSetup {
  readonly hosts: ReadonlyArray<HostSpec & { readonly power?: PowerState; readonly ownCpuMhz?: ReadonlyArray<number> }>
  readonly vms: ReadonlyArray<{
    readonly uuid: string
    readonly host: string
    readonly ramMb: number
    readonly vcpus?: number
    readonly cpuMhz?: ReadonlyArray<number>
  }>
}

export class InMemoryCloud {
  readonly hosts = new Map<string, MemoryHost>()
  readonly vms = new Map<string, MemoryVm>()
  /** Host name → UUIDs of its VMs, in arrival order. */
  private readonly residents = new Map<string, Set<string>>()
  /** Migrations to these hosts fail (as a refused live migration would). */
  readonly failMigrationsTo = new Set<string>()
  /** Waking these hosts fails. */
  readonly failWake = new Set<string>()
  /** Suspending these hosts fails. */
  readonly failSuspend = new Set<string>()
  /** How long each batch of migrations takes, milliseconds (0: instantly). */
  migrationDelayMs = 0
  /** When set, every call fails as if the cloud could not be reached. */
  unreachable = false
  /** Batched history reads served (`vmCpuHistories`, `hostCpuHistories`). */
  batchedReads = 0
  /** Every action that reached the cloud, in order. */
  readonly actions: Array<string> = []

  constructor(setup: CloudSetup) {
    for (const host of setup.hosts) {
      this.hosts.set(host.name, {
        name: host.name,
        cores: host.cores,
        mhzPerCore: host.mhzPerCore,
        ramMb: host.ramMb,
        power: host.power ?? "active",
        ownCpuMhz: [...(host.ownCpuMhz ?? [])]
      })
      this.residents.set(host.name, new Set())
    }
    for (const vm of setup.vms) this.addVm(vm)
  }

  /** UUIDs of the VMs on `host`, in insertion order. */
  vmsOn(host: string): Array<string> {
    return [...(this.residents.get(host) ?? [])]
  }

  /** Boots a VM on `host`, as a user creating one would. */
  addVm(vm: CloudSetup["vms"][number]): void {
    if (!this.hosts.has(vm.host)) throw new Error(`VM ${vm.uuid} is on unknown host ${vm.host}`)
    this.vms.set(vm.uuid, {
      uuid: vm.uuid,
      ramMb: vm.ramMb,
      vcpus: vm.vcpus ?? 1,
      host: vm.host,
      cpuMhz: [...(vm.cpuMhz ?? [])]
    })
    this.residents.get(vm.host)!.add(vm.uuid)
  }

  /** Removes a VM, as a user deleting it would. */
  deleteVm(uuid: string): void {
    const vm = this.vms.get(uuid)
    if (vm !== undefined) this.residents.get(vm.host)?.delete(uuid)
    this.vms.delete(uuid)
  }

  /** Removes a host (and its VMs), as a host leaving the cloud would. */
  removeHost(name: string): void {
    for (const uuid of this.vmsOn(name)) this.vms.delete(uuid)
    this.hosts.delete(name)
    this.residents.delete(name)
  }

  private hostState(host: MemoryHost): HostState {
    return {
      name: host.name,
      cores: host.cores,
      mhzPerCore: host.mhzPerCore,
      ramMb: host.ramMb,
      power: host.power,
      vms: this.vmsOn(host.name)
    }
  }

  /** The last `n` samples of a VM, or undefined for an unknown VM. */
  private vmHistory(uuid: string, n: number): Array<number> | undefined {
    const vm = this.vms.get(uuid)
    return vm === undefined ? undefined : vm.cpuMhz.slice(Math.max(0, vm.cpuMhz.length - n))
  }

  /** The last `n` totals of a host (own use plus its VMs, aligned on the newest), or undefined. */
  private hostHistory(name: string, n: number): Array<number> | undefined {
    const host = this.hosts.get(name)
    if (host === undefined) return undefined
    const histories = this.vmsOn(name).map((uuid) => this.vms.get(uuid)!.cpuMhz)
    let length = host.ownCpuMhz.length
    for (const history of histories) length = Math.max(length, history.length)
    const from = Math.max(0, length - n)
    const total: Array<number> = []
    for (let k = from; k < length; k++) {
      const back = length - 1 - k
      let sum = host.ownCpuMhz[host.ownCpuMhz.length - 1 - back] ?? 0
      for (const history of histories) sum += history[history.length - 1 - back] ?? 0
      total.push(sum)
    }
    return total
  }

  /** One batched history read: the histories of the keys that exist (the others are left out). */
  private batchedRead(
    keys: ReadonlyArray<string>,
    target: string,
    history: (key: string) => Array<number> | undefined
  ): Effect.Effect<ReadonlyMap<string, ReadonlyArray<number>>, CloudError> {
    return Effect.suspend(() => {
      this.batchedReads++
      const result = new Map<string, ReadonlyArray<number>>()
      for (const key of keys) {
        const found = history(key)
        if (found !== undefined) result.set(key, found)
      }
      return Effect.as(this.check("history", target), result)
    })
  }

  private check(action: CloudActionError["action"], target: string): Effect.Effect<void, CloudActionError> {
    return this.unreachable
      ? Effect.fail(new CloudActionError({ action, target, message: "cloud unreachable" }))
      : Effect.void
  }

  private migrateOne(migration: Migration): MigrationOutcome {
    const fail = (reason: string): MigrationOutcome => ({ _tag: "MigrationFailed", migration, reason })
    const vm = this.vms.get(migration.vm)
    if (vm === undefined) return fail("no such VM")
    if (vm.host !== migration.from) return fail(`VM is on ${vm.host}, not ${migration.from}`)
    const target = this.hosts.get(migration.to)
    if (target === undefined) return fail("no such target host")
    if (target.name === vm.host) return fail("target is the source")
    if (target.power !== "active") return fail(`target host is ${target.power}`)
    if (this.failMigrationsTo.has(target.name)) return fail("migration refused by the target")
    let ramUsed = 0
    for (const uuid of this.vmsOn(target.name)) ramUsed += this.vms.get(uuid)!.ramMb
    if (ramUsed + vm.ramMb > target.ramMb) return fail("not enough memory on the target")
    this.residents.get(vm.host)?.delete(vm.uuid)
    this.residents.get(target.name)?.add(vm.uuid)
    vm.host = target.name
    return { _tag: "Migrated", migration, seconds: vm.ramMb / 1000 }
  }

  readonly api: CloudApi = {
    hosts: Effect.suspend(() =>
      Effect.as(
        this.check("inventory", "hosts"),
        [...this.hosts.values()]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((host) => this.hostState(host))
      )
    ),
    vms: Effect.suspend(() =>
      Effect.as(
        this.check("inventory", "vms"),
        [...this.vms.values()].map(
          (vm): VmState => ({ uuid: vm.uuid, ramMb: vm.ramMb, host: vm.host, vcpus: vm.vcpus })
        )
      )
    ),
    vmCpuHistory: (uuid, n) =>
      Effect.suspend((): Effect.Effect<ReadonlyArray<number>, CloudError> => {
        const history = this.vmHistory(uuid, n)
        if (history === undefined) return Effect.fail(new UnknownVm({ vm: uuid }))
        return Effect.as(this.check("history", uuid), history)
      }),
    vmCpuHistories: (uuids, n) => this.batchedRead(uuids, `${uuids.length} VMs`, (uuid) => this.vmHistory(uuid, n)),
    hostCpuHistory: (name, n) =>
      Effect.suspend((): Effect.Effect<ReadonlyArray<number>, CloudError> => {
        const history = this.hostHistory(name, n)
        if (history === undefined) return Effect.fail(new UnknownHost({ host: name }))
        return Effect.as(this.check("history", name), history)
      }),
    hostCpuHistories: (names, n) =>
      this.batchedRead(names, `${names.length} hosts`, (name) => this.hostHistory(name, n)),
    migrate: (migrations) =>
      Effect.suspend(() => (this.migrationDelayMs > 0 ? Effect.sleep(this.migrationDelayMs) : Effect.void)).pipe(
        Effect.zipRight(
          Effect.suspend(() =>
            Effect.as(
              this.check("migrate", migrations.map((m) => m.vm).join(",")),
              migrations.map((migration) => {
                this.actions.push(`migrate ${migration.vm} ${migration.from}->${migration.to}`)
                return this.migrateOne(migration)
              })
            )
          )
        )
      ),
    suspendHost: (name) =>
      Effect.suspend((): Effect.Effect<void, CloudError> => {
        this.actions.push(`suspend ${name}`)
        const host = this.hosts.get(name)
        if (host === undefined) return Effect.fail(new UnknownHost({ host: name }))
        const refuse = (message: string) =>
          Effect.fail(new CloudActionError({ action: "suspend", target: name, message }))
        if (this.failSuspend.has(name)) return refuse("the host did not go down")
        if (host.power !== "active") return refuse(`host is ${host.power}`)
        if (this.vmsOn(name).length > 0) return refuse("host still runs VMs")
        host.power = "suspended"
        return this.check("suspend", name)
      }),
    wakeHost: (name) =>
      Effect.suspend((): Effect.Effect<void, CloudError> => {
        this.actions.push(`wake ${name}`)
        const host = this.hosts.get(name)
        if (host === undefined) return Effect.fail(new UnknownHost({ host: name }))
        if (this.failWake.has(name)) {
          return Effect.fail(new CloudActionError({ action: "wake", target: name, message: "no answer" }))
        }
        if (host.power !== "suspended" && host.power !== "active") {
          return Effect.fail(new CloudActionError({ action: "wake", target: name, message: `host is ${host.power}` }))
        }
        host.power = "active"
        return this.check("wake", name)
      })
  }

  /** A layer providing this cloud as `Cloud`. */
  get layer(): Layer.Layer<Cloud> {
    return Layer.succeed(Cloud, this.api)
  }
}
