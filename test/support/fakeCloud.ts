/**
 * Set-up shared by the suites that run against the fake OpenStack (../shared/openstack, started by
 * .ci/services/openstack.sh) and the loopback sshd (.ci/services/sshd.sh): the environment they
 * read, the admin credentials, a Cloud over Nova without power actions, and a compute host that
 * plays a physical machine (asleep when the sleep command ran, awake on its magic packet).
 */
import { existsSync, rmSync } from "node:fs"
import { Effect, Layer, ManagedRuntime } from "effect"
import { HostPower } from "../../src/adapters/nova/HostPower.js"
import { HostPowerLogInMemory } from "../../src/adapters/nova/HostPowerLog.js"
import type { MigrationLog } from "../../src/adapters/nova/MigrationLog.js"
import type { MigrationPolicy } from "../../src/adapters/nova/MigrationPolicy.js"
import type { Nova } from "../../src/adapters/nova/Nova.js"
import { OpenStackCloudFromServices } from "../../src/adapters/nova/OpenStackCloud.js"
import { UsageHistoryInMemory } from "../../src/adapters/nova/UsageHistory.js"
import { type AdminCredentials, type AdminSession, updateService } from "./fakeCloudAdmin.js"
import { serverEnv } from "./requirement.js"
import { expectedMagicPacket, listenForWol, type WolListener } from "./wolListener.js"

const fakeCloudVariables = [
  "NEAT_TEST_OS_AUTH_URL",
  "NEAT_TEST_OS_USER",
  "NEAT_TEST_OS_PASSWORD",
  "NEAT_TEST_OS_PROJECT",
  "NEAT_TEST_OS_DOMAIN"
] as const
const sshdVariables = ["NEAT_TEST_SSH_PORT", "NEAT_TEST_SSH_KEY", "NEAT_TEST_SSH_KNOWN_HOSTS"] as const

type FakeCloudValues = Readonly<Record<(typeof fakeCloudVariables)[number], string>>

/** The fake OpenStack's address and admin account, from NEAT_TEST_OS_*. */
export const fakeCloudEnv = serverEnv(
  fakeCloudVariables,
  "start the fake OpenStack (.ci/services/openstack.sh, or ../shared/openstack/start-fake-cloud.sh and export the NEAT_TEST_OS_* variables)"
)

/** The fake OpenStack and the loopback sshd (NEAT_TEST_OS_*, NEAT_TEST_SSH_*). */
export const fakeCloudAndSshdEnv = serverEnv(
  [...fakeCloudVariables, ...sshdVariables],
  "start the fake OpenStack and the loopback sshd (.ci/services/openstack.sh, .ci/services/sshd.sh)"
)

/** The loopback sshd's account (NEAT_TEST_SSH_USER, root unless told). */
export const sshUser = process.env.NEAT_TEST_SSH_USER ?? "root"

export const adminCredentials = (values: FakeCloudValues): AdminCredentials => ({
  authUrl: values.NEAT_TEST_OS_AUTH_URL,
  user: values.NEAT_TEST_OS_USER,
  password: values.NEAT_TEST_OS_PASSWORD,
  project: values.NEAT_TEST_OS_PROJECT,
  domain: values.NEAT_TEST_OS_DOMAIN
})

/** HostPower for suites that never suspend or wake: reaching it is a defect. */
export const noHostPower = Layer.succeed(HostPower, {
  suspend: () => Effect.dieMessage("suspend is not part of this suite"),
  wake: () => Effect.dieMessage("wake is not part of this suite")
})

export interface NovaCloudOptions {
  readonly computeHosts: ReadonlyArray<string>
  readonly policy: MigrationPolicy
  readonly nova: Layer.Layer<Nova>
  readonly migrationLog: Layer.Layer<MigrationLog>
}

/** The live Cloud over `nova` (hosts of 2000 MHz per core), without power actions; histories in memory. */
export const novaCloudRuntime = (options: NovaCloudOptions) =>
  ManagedRuntime.make(
    OpenStackCloudFromServices(
      { computeHosts: [...options.computeHosts], hostMhzPerCore: 2000, hostMhz: {} },
      options.policy
    ).pipe(
      Layer.provideMerge(
        Layer.mergeAll(options.nova, noHostPower, HostPowerLogInMemory, UsageHistoryInMemory, options.migrationLog)
      )
    )
  )

export interface PhysicalHostOptions {
  /** The compute host that plays the machine. */
  readonly host: string
  /** Its MAC address: the magic packet that wakes it. */
  readonly mac: string
  /** The file the sleep command creates (`touch <marker>` over SSH). */
  readonly marker: string
}

export interface PhysicalHost {
  /** Where the magic packets arrive (UDP on 127.0.0.1). */
  readonly listener: WolListener
  readonly isAsleep: () => boolean
  /** While false, magic packets arrive but do not wake the host. */
  answersPackets: boolean
  readonly stop: () => Promise<void>
}

/**
 * Makes `host` of the fake cloud behave as a physical machine: when the sleep command's marker
 * appears it falls asleep (its compute service is forced down), and its magic packet wakes it
 * (forced down is lifted).
 */
export const playPhysicalHost = async (admin: AdminSession, options: PhysicalHostOptions): Promise<PhysicalHost> => {
  let asleep = false
  const wake = expectedMagicPacket(options.mac)
  const played: { answersPackets: boolean } = { answersPackets: true }
  const listener = await listenForWol((packet) => {
    if (played.answersPackets && asleep && packet.bytes.equals(wake)) {
      asleep = false
      void updateService(admin, options.host, { forced_down: false })
    }
  })
  const watcher = setInterval(() => {
    if (existsSync(options.marker)) {
      rmSync(options.marker)
      asleep = true
      void updateService(admin, options.host, { forced_down: true })
    }
  }, 100)
  return {
    listener,
    isAsleep: () => asleep,
    get answersPackets() {
      return played.answersPackets
    },
    set answersPackets(value: boolean) {
      played.answersPackets = value
    },
    stop: async () => {
      clearInterval(watcher)
      await listener.close()
    }
  }
}

/** What a live-stack test's neat.conf names: its store, hosts, port, sleep command and physical host. */
export interface LiveStackConf {
  readonly scratch: string
  readonly database: string
  readonly credentials: AdminCredentials
  readonly hosts: ReadonlyArray<string>
  readonly port: number
  readonly sshKey: string
  readonly sshPort: string
  /** The sleep command, as neat.conf's JSON list. */
  readonly sleepCommand: ReadonlyArray<string>
  readonly wolPort: number
  readonly macs: Readonly<Record<string, string>>
  /** Further `option = value` lines (intervals, algorithms). */
  readonly extra?: ReadonlyArray<string>
}

/**
 * neat.conf of the whole stack against the fake OpenStack and the loopback sshd: SQLite store in
 * the scratch folder, every compute host reached over SSH on 127.0.0.1 (its known_hosts file in
 * the scratch folder), magic packets to 127.0.0.1, short waits, best fit decreasing placement.
 */
export const liveStackConf = (conf: LiveStackConf): string =>
  [
    "[DEFAULT]",
    `sql_connection = sqlite:///${conf.database}`,
    `log_directory = ${conf.scratch}/log`,
    `os_auth_url = ${conf.credentials.authUrl}`,
    `os_admin_user = ${conf.credentials.user}`,
    `os_admin_password = ${conf.credentials.password}`,
    `os_admin_tenant_name = ${conf.credentials.project}`,
    `os_user_domain_name = ${conf.credentials.domain}`,
    `os_project_domain_name = ${conf.credentials.domain}`,
    `compute_hosts = ${conf.hosts.join(", ")}`,
    "global_manager_host = 127.0.0.1",
    `global_manager_port = ${conf.port}`,
    "data_collector_data_length = 10",
    "compute_host_mhz_per_core = 2000",
    `compute_user = ${sshUser}`,
    "compute_password =",
    `compute_ssh_key = ${conf.sshKey}`,
    `compute_known_hosts = ${conf.scratch}/known_hosts`,
    `compute_ssh_port = ${conf.sshPort}`,
    `compute_ssh_addresses = ${conf.hosts.map((h) => `${h}=127.0.0.1`).join(", ")}`,
    `sleep_command = ${JSON.stringify(conf.sleepCommand)}`,
    "suspend_verify_timeout = 30",
    "wake_timeout = 15",
    "wake_resends = 1",
    "host_state_poll_interval = 0.5",
    "wol_address = 127.0.0.1",
    `wol_port = ${conf.wolPort}`,
    `host_macs = ${conf.hosts.map((h) => `${h}=${conf.macs[h]}`).join(", ")}`,
    "algorithm_vm_placement_factory = placement/best_fit_decreasing",
    'algorithm_vm_placement_parameters = {"cpu_threshold": 0.8, "ram_threshold": 0.95, "last_n_vm_cpu": 2}',
    ...(conf.extra ?? []),
    ""
  ].join("\n")
