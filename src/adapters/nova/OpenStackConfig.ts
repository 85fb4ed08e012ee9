/**
 * Configuration of the OpenStack adapter, read through Effect `Config` under Neat's option
 * names (os_auth_url, os_admin_user, os_admin_password, os_admin_tenant_name, compute_hosts,
 * compute_user, compute_password, network_migration_bandwidth, sleep_command, ...) plus the
 * options Neat did not have. Every bad value is a `ConfigError` naming its option.
 */
import { isIP } from "node:net"
import { Config, ConfigError as ConfigErrorModule, Effect, Either, Option, Redacted } from "effect"
import { ConfigError } from "../../core/errors.js"
import { defaultHostPowerOptions, type HostPowerOptions, type IpmiPowerOptions, type WakeMethod } from "./HostPower.js"
import type { IpmiTarget } from "./Ipmi.js"
import type { KeystoneOptions } from "./Keystone.js"
import { defaultMigrationPolicy, type MigrationPolicy, migrationPolicyProblems } from "./MigrationPolicy.js"
import type { BlockMigration } from "./Nova.js"
import type { NovaRequestOptions } from "./NovaRequest.js"
import type { CloudInventoryOptions } from "./OpenStackCloud.js"
import type { RemoteShellOptions } from "./RemoteShell.js"
import { normaliseMac, type WakeOnLanOptions } from "./WakeOnLan.js"

/** TLS towards Keystone and Nova. */
export interface TlsOptions {
  /** os_cacert: PEM bundle of the CAs to trust (instead of Node's defaults). */
  readonly caBundlePath?: string | undefined
  /** os_insecure: accept any certificate. For test clouds only. */
  readonly insecure: boolean
}

export interface OpenStackCloudOptions {
  readonly keystone: KeystoneOptions
  readonly nova: NovaRequestOptions
  readonly tls: TlsOptions
  readonly inventory: CloudInventoryOptions
  readonly migration: MigrationPolicy
  readonly power: HostPowerOptions
  readonly ssh: RemoteShellOptions
  readonly wol: WakeOnLanOptions
  /** host_macs: compute host → MAC address for Wake-on-LAN. */
  readonly hostMacs: Readonly<Record<string, string>>
}

/** The microversions whose answers the adapter reads (UUID services; hypervisor memory fields). */
export const minMicroversion = 53
export const maxMicroversion = 87

/** "2.79" → 79, or undefined when it is not a 2.x microversion. */
export const microversionMinor = (text: string): number | undefined => {
  const match = /^2\.(\d+)$/.exec(text.trim())
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** "a=1, b=2" (or a JSON object) → record. */
export const parseMap = (field: string, text: string): Either.Either<Record<string, string>, ConfigError> => {
  const trimmed = text.trim()
  if (trimmed === "") return Either.right({})
  if (trimmed.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        const entries = Object.entries(parsed)
        if (entries.every(([, v]) => typeof v === "string" || typeof v === "number")) {
          return Either.right(Object.fromEntries(entries.map(([k, v]) => [k, String(v)])))
        }
      }
    } catch {
      // reported below
    }
    return Either.left(new ConfigError({ field, message: "expected a JSON object of strings or host=value pairs" }))
  }
  const result: Record<string, string> = {}
  for (const pair of trimmed.split(",")) {
    const [key, ...rest] = pair.split("=")
    const value = rest.join("=").trim()
    if (key === undefined || key.trim() === "" || value === "") {
      return Either.left(
        new ConfigError({ field, message: `expected host=value pairs separated by commas, got "${pair.trim()}"` })
      )
    }
    result[key.trim()] = value
  }
  return Either.right(result)
}

/** sleep_command: a JSON array of arguments, or words separated by spaces (no shell quoting). */
export const parseCommand = (field: string, text: string): Either.Either<ReadonlyArray<string>, ConfigError> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === "string")) {
        return Either.right(parsed)
      }
    } catch {
      // reported below
    }
    return Either.left(new ConfigError({ field, message: "expected a non-empty JSON array of strings" }))
  }
  const words = trimmed.split(/\s+/).filter((w) => w !== "")
  if (words.length === 0) return Either.left(new ConfigError({ field, message: "must not be empty" }))
  if (/["'`$|;&<>\\]/.test(trimmed)) {
    return Either.left(
      new ConfigError({ field, message: "shell syntax is not interpreted; give a JSON array of arguments instead" })
    )
  }
  return Either.right(words)
}

/** What a required option is for, so that its absence is reported in plain words. */
const requiredPurpose: Readonly<Record<string, string>> = {
  os_auth_url: "Keystone's URL, e.g. http://controller:5000/v3",
  os_admin_user: "the user Neat logs in to Keystone with",
  os_admin_password: "that user's password",
  os_admin_tenant_name: "the project Neat logs in to",
  compute_ssh_key: "the private key Neat suspends compute hosts with, over SSH",
  compute_known_hosts: "the known_hosts file that authenticates the compute hosts' SSH keys",
  wol_address: "where Wake-on-LAN packets are sent, e.g. the compute network's broadcast address 192.168.10.255",
  wol_port: "the UDP port of Wake-on-LAN packets, usually 9"
}

/** The key of `host_wake_methods` that sets the method of every host not listed. */
const everyOtherHost = "*"

/** A BMC address, `host`, `host:port` or `[v6]:port`, with IPMI's port 623 by default. */
export const parseBmcAddress = (text: string): { readonly address: string; readonly port: number } | undefined => {
  const trimmed = text.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed)
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(trimmed)
  const match = bracketed ?? plain
  if (match === null || match[1] === undefined) return undefined
  const port = match[2] === undefined ? 623 : Number(match[2])
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined
  return { address: match[1], port }
}

const describeConfigError = (field: string, error: ConfigErrorModule.ConfigError): string => {
  if (ConfigErrorModule.isMissingDataOnly(error)) {
    const purpose = requiredPurpose[field]
    return `is not set; the OpenStack cloud needs it${purpose === undefined ? "" : ` (${purpose})`}`
  }
  return String(error)
    .replace(/\s+/g, " ")
    .replace(/^\(?(Missing data|Invalid data) at [^:]*: /, "")
    .replace(/\)$/, "")
}

/** Reads one option; any failure becomes a `ConfigError` naming it. */
const option = <A>(field: string, config: Config.Config<A>): Effect.Effect<A, ConfigError> =>
  Effect.mapError(config, (error) => new ConfigError({ field, message: describeConfigError(field, error) }))

const positiveProblem = (field: string, value: number): ConfigError | undefined =>
  Number.isFinite(value) && value > 0
    ? undefined
    : new ConfigError({ field, message: `must be a positive number, got ${value}` })

type Read = <A>(field: string, config: Config.Config<A>, placeholder: A) => Effect.Effect<A>

/**
 * The BMCs of the IPMI hosts (`ipmi_hosts`, credentials from `ipmi_user`/`ipmi_password`, which
 * `ipmi_users`/`ipmi_passwords` override per host). Every host in `ipmiHosts` needs an address, a
 * user and a password.
 */
const readIpmi = (
  read: Read,
  either: <A>(result: Either.Either<A, ConfigError>, placeholder: A) => A,
  note: (problem: ConfigError | undefined) => void,
  ipmiHosts: ReadonlyArray<string>
): Effect.Effect<IpmiPowerOptions> =>
  Effect.gen(function* () {
    const map = (name: string) =>
      Effect.map(read(name, Config.string(name).pipe(Config.withDefault("")), ""), (text) =>
        either(parseMap(name, text), {})
      )
    const addresses = yield* map("ipmi_hosts")
    const users = yield* map("ipmi_users")
    const passwords = yield* map("ipmi_passwords")
    const user = yield* read("ipmi_user", Config.string("ipmi_user").pipe(Config.withDefault("")), "")
    const password = yield* read(
      "ipmi_password",
      Config.redacted("ipmi_password").pipe(Config.withDefault(Redacted.make(""))),
      Redacted.make("")
    )
    const iface = yield* read(
      "ipmi_interface",
      Config.literal("lanplus", "lan")("ipmi_interface").pipe(Config.withDefault("lanplus" as const)),
      "lanplus" as const
    )
    const powerOff = yield* read(
      "ipmi_power_off",
      Config.literal("soft", "off")("ipmi_power_off").pipe(Config.withDefault("soft" as const)),
      "soft" as const
    )
    const cipherSuite = yield* read(
      "ipmi_cipher_suite",
      Config.option(Config.integer("ipmi_cipher_suite")),
      Option.none()
    )
    if (Option.isSome(cipherSuite) && (cipherSuite.value < 0 || cipherSuite.value > 17))
      note(
        new ConfigError({
          field: "ipmi_cipher_suite",
          message: `expected a cipher suite from 0 to 17, got ${cipherSuite.value}`
        })
      )
    const timeoutSec = yield* read("ipmi_timeout", Config.number("ipmi_timeout").pipe(Config.withDefault(30)), 30)
    note(positiveProblem("ipmi_timeout", timeoutSec))
    const targets: Record<string, IpmiTarget> = {}
    for (const [host, text] of Object.entries(addresses)) {
      const bmc = parseBmcAddress(text)
      if (bmc === undefined) {
        note(
          new ConfigError({ field: "ipmi_hosts", message: `${host}: expected address or address:port, got ${text}` })
        )
        continue
      }
      const hostPassword = passwords[host]
      targets[host] = {
        ...bmc,
        user: users[host] ?? user,
        password: hostPassword === undefined ? password : Redacted.make(hostPassword),
        interface: iface,
        cipherSuite: Option.getOrUndefined(cipherSuite)
      }
    }
    for (const host of ipmiHosts) {
      const target = targets[host]
      if (target === undefined) {
        if (addresses[host] === undefined)
          note(new ConfigError({ field: "ipmi_hosts", message: `${host} wakes by IPMI but has no BMC address here` }))
        continue
      }
      if (target.user === "")
        note(
          new ConfigError({
            field: "ipmi_user",
            message: `${host} wakes by IPMI but has no BMC user (ipmi_user or ipmi_users)`
          })
        )
      if (Redacted.value(target.password) === "")
        note(
          new ConfigError({
            field: "ipmi_password",
            message: `${host} wakes by IPMI but has no BMC password (ipmi_password or ipmi_passwords)`
          })
        )
    }
    return { targets, powerOff, timeoutSec }
  })

/**
 * Everything the adapter needs, from the current ConfigProvider (Neat's option names). Every
 * problem is collected, so that an operator sees all the missing and bad options at once.
 */
const loadAll: Effect.Effect<OpenStackCloudOptions, ReadonlyArray<ConfigError>> = Effect.gen(function* () {
  const problems: Array<ConfigError> = []
  /** The option's value, or `placeholder` once its problem is noted. */
  const read = <A>(field: string, config: Config.Config<A>, placeholder: A): Effect.Effect<A> =>
    Effect.catchAll(option(field, config), (problem) => {
      problems.push(problem)
      return Effect.succeed(placeholder)
    })
  const either = <A>(result: Either.Either<A, ConfigError>, placeholder: A): A => {
    if (Either.isRight(result)) return result.right
    problems.push(result.left)
    return placeholder
  }
  const note = (problem: ConfigError | undefined): void => {
    if (problem !== undefined) problems.push(problem)
  }
  const positive = (field: string, value: number): number => {
    note(positiveProblem(field, value))
    return value
  }
  const number = (name: string, fallback: number) =>
    read(name, Config.number(name).pipe(Config.withDefault(fallback)), fallback)

  const authUrl = yield* read("os_auth_url", Config.string("os_auth_url"), "")
  if (authUrl !== "" && !/^https?:\/\//.test(authUrl)) {
    note(new ConfigError({ field: "os_auth_url", message: `expected an http(s) URL, got ${authUrl}` }))
  }
  const endpointInterface = yield* read(
    "os_endpoint_type",
    Config.literal("public", "internal", "admin")("os_endpoint_type").pipe(Config.withDefault("public" as const)),
    "public" as const
  )
  const region = yield* read("os_region_name", Config.option(Config.string("os_region_name")), Option.none())
  const requestTimeoutSec = positive("os_request_timeout", yield* number("os_request_timeout", 30))
  const retries = yield* read("os_request_retries", Config.integer("os_request_retries").pipe(Config.withDefault(2)), 2)
  const microversion = yield* read(
    "nova_api_microversion",
    Config.string("nova_api_microversion").pipe(Config.withDefault("2.79")),
    "2.79"
  )
  const minor = microversionMinor(microversion)
  if (minor === undefined || minor < minMicroversion || minor > maxMicroversion) {
    note(
      new ConfigError({
        field: "nova_api_microversion",
        message: `must be between 2.${minMicroversion} and 2.${maxMicroversion}, got ${microversion}`
      })
    )
  }
  const keystone: KeystoneOptions = {
    authUrl,
    username: yield* read("os_admin_user", Config.string("os_admin_user"), ""),
    password: yield* read("os_admin_password", Config.redacted("os_admin_password"), Redacted.make("")),
    projectName: yield* read("os_admin_tenant_name", Config.string("os_admin_tenant_name"), ""),
    userDomainName: yield* read(
      "os_user_domain_name",
      Config.string("os_user_domain_name").pipe(Config.withDefault("Default")),
      "Default"
    ),
    projectDomainName: yield* read(
      "os_project_domain_name",
      Config.string("os_project_domain_name").pipe(Config.withDefault("Default")),
      "Default"
    ),
    endpointInterface,
    region: Option.getOrUndefined(region),
    renewMarginSec: yield* number("os_token_renew_margin", 300),
    requestTimeoutSec,
    retries
  }
  const nova: NovaRequestOptions = {
    microversion: `2.${minor ?? 79}`,
    requestTimeoutSec,
    readRetries: retries,
    readBackoffSec: 0.5
  }
  const caBundle = yield* read("os_cacert", Config.option(Config.string("os_cacert")), Option.none())
  const tls: TlsOptions = {
    caBundlePath: Option.getOrUndefined(caBundle),
    insecure: yield* read("os_insecure", Config.boolean("os_insecure").pipe(Config.withDefault(false)), false)
  }

  const computeHosts = yield* read(
    "compute_hosts",
    Config.string("compute_hosts").pipe(
      Config.withDefault(""),
      Config.map((text) =>
        text
          .split(",")
          .map((h) => h.trim())
          .filter((h) => h !== "")
      )
    ),
    []
  )
  const hostMhzPerCore = positive("compute_host_mhz_per_core", yield* number("compute_host_mhz_per_core", 2000))
  const hostMhzText = either(
    parseMap(
      "compute_host_mhz",
      yield* read("compute_host_mhz", Config.string("compute_host_mhz").pipe(Config.withDefault("")), "")
    ),
    {}
  )
  const hostMhz: Record<string, number> = {}
  for (const [host, text] of Object.entries(hostMhzText))
    hostMhz[host] = positive(`compute_host_mhz (${host})`, Number(text))

  const blockText = yield* read(
    "block_migration",
    Config.string("block_migration").pipe(Config.withDefault("auto")),
    "auto"
  )
  const blockMigration: BlockMigration | undefined =
    blockText === "auto" ? "auto" : blockText === "true" ? true : blockText === "false" ? false : undefined
  if (blockMigration === undefined) {
    note(new ConfigError({ field: "block_migration", message: `expected auto, true or false, got ${blockText}` }))
  }
  const migration: MigrationPolicy = {
    maxConcurrent: yield* number("max_concurrent_migrations", defaultMigrationPolicy.maxConcurrent),
    maxConcurrentPerHost: yield* number(
      "max_concurrent_migrations_per_host",
      defaultMigrationPolicy.maxConcurrentPerHost
    ),
    bandwidthMbPerSec: yield* number("network_migration_bandwidth", defaultMigrationPolicy.bandwidthMbPerSec),
    timeoutBaseSec: yield* number("migration_timeout_base", defaultMigrationPolicy.timeoutBaseSec),
    timeoutFactor: yield* number("migration_timeout_factor", defaultMigrationPolicy.timeoutFactor),
    retries: yield* number("migration_retries", defaultMigrationPolicy.retries),
    backoffSec: yield* number("migration_backoff", defaultMigrationPolicy.backoffSec),
    pollIntervalSec: yield* number("migration_poll_interval", defaultMigrationPolicy.pollIntervalSec),
    blockMigration: blockMigration ?? "auto"
  }
  for (const problem of migrationPolicyProblems(migration)) note(new ConfigError(problem))

  const sleepCommand = either(
    parseCommand(
      "sleep_command",
      yield* read("sleep_command", Config.string("sleep_command").pipe(Config.withDefault("pm-suspend")), "pm-suspend")
    ),
    ["pm-suspend"]
  )
  const sshAddresses = either(
    parseMap(
      "compute_ssh_addresses",
      yield* read("compute_ssh_addresses", Config.string("compute_ssh_addresses").pipe(Config.withDefault("")), "")
    ),
    {}
  )
  const power: HostPowerOptions = {
    sleepCommand,
    sshAddresses,
    suspendVerifyTimeoutSec: positive(
      "suspend_verify_timeout",
      yield* number("suspend_verify_timeout", defaultHostPowerOptions.suspendVerifyTimeoutSec)
    ),
    wakeTimeoutSec: positive("wake_timeout", yield* number("wake_timeout", defaultHostPowerOptions.wakeTimeoutSec)),
    wakeResends: yield* read(
      "wake_resends",
      Config.integer("wake_resends").pipe(Config.withDefault(defaultHostPowerOptions.wakeResends)),
      defaultHostPowerOptions.wakeResends
    ),
    pollIntervalSec: positive(
      "host_state_poll_interval",
      yield* number("host_state_poll_interval", defaultHostPowerOptions.pollIntervalSec)
    )
  }
  const password = yield* read("compute_password", Config.option(Config.redacted("compute_password")), Option.none())
  const passphrase = yield* read(
    "compute_ssh_key_passphrase",
    Config.option(Config.redacted("compute_ssh_key_passphrase")),
    Option.none()
  )
  const ssh: RemoteShellOptions = {
    username: yield* read("compute_user", Config.string("compute_user").pipe(Config.withDefault("neat")), "neat"),
    privateKeyPath: yield* read("compute_ssh_key", Config.string("compute_ssh_key"), ""),
    knownHostsPath: yield* read("compute_known_hosts", Config.string("compute_known_hosts"), ""),
    port: yield* read("compute_ssh_port", Config.port("compute_ssh_port").pipe(Config.withDefault(22)), 22),
    password: Option.getOrUndefined(password),
    passphrase: Option.getOrUndefined(passphrase),
    connectTimeoutSec: positive("ssh_connect_timeout", yield* number("ssh_connect_timeout", 10)),
    commandTimeoutSec: positive("ssh_command_timeout", yield* number("ssh_command_timeout", 30))
  }

  const methodText = either(
    parseMap(
      "host_wake_methods",
      yield* read("host_wake_methods", Config.string("host_wake_methods").pipe(Config.withDefault("")), "")
    ),
    {}
  )
  const wakeMethods: Record<string, WakeMethod> = {}
  for (const [host, method] of Object.entries(methodText)) {
    if (method === "wol" || method === "ipmi") wakeMethods[host] = method
    else note(new ConfigError({ field: "host_wake_methods", message: `${host}: expected wol or ipmi, got ${method}` }))
  }
  const defaultWakeMethod = wakeMethods[everyOtherHost] ?? "wol"
  delete wakeMethods[everyOtherHost]
  const methodOf = (host: string): WakeMethod => wakeMethods[host] ?? defaultWakeMethod
  const ipmi = yield* readIpmi(
    read,
    either,
    note,
    [...new Set([...computeHosts, ...Object.keys(wakeMethods)])].filter((host) => methodOf(host) === "ipmi")
  )
  const usesWol = defaultWakeMethod === "wol" || Object.values(wakeMethods).includes("wol")

  // No default: wol would broadcast to 255.255.255.255:9, which must be a decision, not an accident.
  // Not needed when every host wakes by IPMI.
  const wolAddress = usesWol ? yield* read("wol_address", Config.string("wol_address"), "") : ""
  if (wolAddress !== "" && isIP(wolAddress) === 0) {
    note(new ConfigError({ field: "wol_address", message: `expected an IP address, got ${wolAddress}` }))
  }
  const wol: WakeOnLanOptions = {
    address: wolAddress,
    port: yield* read(
      "wol_port",
      usesWol ? Config.port("wol_port") : Config.port("wol_port").pipe(Config.withDefault(9)),
      9
    ),
    sendTimeoutSec: 2
  }
  const hostMacs = either(
    parseMap("host_macs", yield* read("host_macs", Config.string("host_macs").pipe(Config.withDefault("")), "")),
    {}
  )
  for (const [host, mac] of Object.entries(hostMacs)) {
    if (normaliseMac(mac) === undefined) {
      note(new ConfigError({ field: "host_macs", message: `${host}: not a MAC address: ${mac}` }))
    }
  }
  if (problems.length > 0) return yield* Effect.fail(problems)
  return {
    keystone,
    nova,
    tls,
    inventory: { computeHosts, hostMhzPerCore, hostMhz },
    migration,
    power: { ...power, wakeMethods, defaultWakeMethod, ipmi },
    ssh,
    wol,
    hostMacs
  }
})

/**
 * Every missing or bad option of the adapter, in reading order (empty when the options are
 * usable), from the current ConfigProvider.
 */
export const openStackOptionProblems: Effect.Effect<ReadonlyArray<ConfigError>> = Effect.match(loadAll, {
  onFailure: (problems) => problems,
  onSuccess: () => []
})

/** Everything the adapter needs, from the current ConfigProvider; fails with the first problem. */
export const loadOpenStackOptions: Effect.Effect<OpenStackCloudOptions, ConfigError> = Effect.mapError(
  loadAll,
  (problems) => problems[0]!
)
