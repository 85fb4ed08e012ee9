/**
 * Configuration of the OpenStack adapter, read through Effect `Config` under Neat's option
 * names (os_auth_url, os_admin_user, os_admin_password, os_admin_tenant_name, compute_hosts,
 * compute_user, compute_password, network_migration_bandwidth, sleep_command, ...) plus the
 * options Neat did not have. Every bad value is a `ConfigError` naming its option.
 */
import { isIP } from "node:net"
import { Config, Effect, Either, Option } from "effect"
import { ConfigError } from "../../core/errors.js"
import { defaultHostPowerOptions, type HostPowerOptions } from "./HostPower.js"
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

const describeConfigError = (error: unknown): string =>
  String(error)
    .replace(/\s+/g, " ")
    .replace(/^\(?(Missing data|Invalid data) at [^:]*: /, "")
    .replace(/\)$/, "")

/** Reads one option; any failure becomes a `ConfigError` naming it. */
const option = <A>(field: string, config: Config.Config<A>): Effect.Effect<A, ConfigError> =>
  Effect.mapError(config, (error) => new ConfigError({ field, message: describeConfigError(error) }))

const fromEither = <A>(either: Either.Either<A, ConfigError>): Effect.Effect<A, ConfigError> => either

const positive = (field: string, value: number): Effect.Effect<number, ConfigError> =>
  Number.isFinite(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(new ConfigError({ field, message: `must be a positive number, got ${value}` }))

/** Everything the adapter needs, from the current ConfigProvider (Neat's option names). */
export const loadOpenStackOptions: Effect.Effect<OpenStackCloudOptions, ConfigError> = Effect.gen(function* () {
  const authUrl = yield* option("os_auth_url", Config.string("os_auth_url"))
  if (!/^https?:\/\//.test(authUrl)) {
    return yield* new ConfigError({ field: "os_auth_url", message: `expected an http(s) URL, got ${authUrl}` })
  }
  const endpointInterface = yield* option(
    "os_endpoint_type",
    Config.literal("public", "internal", "admin")("os_endpoint_type").pipe(Config.withDefault("public" as const))
  )
  const region = yield* option("os_region_name", Config.option(Config.string("os_region_name")))
  const requestTimeoutSec = yield* option(
    "os_request_timeout",
    Config.number("os_request_timeout").pipe(Config.withDefault(30))
  )
  yield* positive("os_request_timeout", requestTimeoutSec)
  const retries = yield* option("os_request_retries", Config.integer("os_request_retries").pipe(Config.withDefault(2)))
  const microversion = yield* option(
    "nova_api_microversion",
    Config.string("nova_api_microversion").pipe(Config.withDefault("2.79"))
  )
  const minor = microversionMinor(microversion)
  if (minor === undefined || minor < minMicroversion || minor > maxMicroversion) {
    return yield* new ConfigError({
      field: "nova_api_microversion",
      message: `must be between 2.${minMicroversion} and 2.${maxMicroversion}, got ${microversion}`
    })
  }
  const keystone: KeystoneOptions = {
    authUrl,
    username: yield* option("os_admin_user", Config.string("os_admin_user")),
    password: yield* option("os_admin_password", Config.redacted("os_admin_password")),
    projectName: yield* option("os_admin_tenant_name", Config.string("os_admin_tenant_name")),
    userDomainName: yield* option(
      "os_user_domain_name",
      Config.string("os_user_domain_name").pipe(Config.withDefault("Default"))
    ),
    projectDomainName: yield* option(
      "os_project_domain_name",
      Config.string("os_project_domain_name").pipe(Config.withDefault("Default"))
    ),
    endpointInterface,
    region: Option.getOrUndefined(region),
    renewMarginSec: yield* option(
      "os_token_renew_margin",
      Config.number("os_token_renew_margin").pipe(Config.withDefault(300))
    ),
    requestTimeoutSec,
    retries
  }
  const nova: NovaRequestOptions = {
    microversion: `2.${minor}`,
    requestTimeoutSec,
    readRetries: retries,
    readBackoffSec: 0.5
  }
  const caBundle = yield* option("os_cacert", Config.option(Config.string("os_cacert")))
  const tls: TlsOptions = {
    caBundlePath: Option.getOrUndefined(caBundle),
    insecure: yield* option("os_insecure", Config.boolean("os_insecure").pipe(Config.withDefault(false)))
  }

  const computeHosts = yield* option(
    "compute_hosts",
    Config.string("compute_hosts").pipe(
      Config.withDefault(""),
      Config.map((text) =>
        text
          .split(",")
          .map((h) => h.trim())
          .filter((h) => h !== "")
      )
    )
  )
  const hostMhzPerCore = yield* option(
    "compute_host_mhz_per_core",
    Config.number("compute_host_mhz_per_core").pipe(Config.withDefault(2000))
  )
  yield* positive("compute_host_mhz_per_core", hostMhzPerCore)
  const hostMhzText = yield* fromEither(
    parseMap(
      "compute_host_mhz",
      yield* option("compute_host_mhz", Config.string("compute_host_mhz").pipe(Config.withDefault("")))
    )
  )
  const hostMhz: Record<string, number> = {}
  for (const [host, text] of Object.entries(hostMhzText))
    hostMhz[host] = yield* positive(`compute_host_mhz (${host})`, Number(text))

  const blockText = yield* option("block_migration", Config.string("block_migration").pipe(Config.withDefault("auto")))
  const blockMigration: BlockMigration | undefined =
    blockText === "auto" ? "auto" : blockText === "true" ? true : blockText === "false" ? false : undefined
  if (blockMigration === undefined) {
    return yield* new ConfigError({
      field: "block_migration",
      message: `expected auto, true or false, got ${blockText}`
    })
  }
  const number = (name: string, fallback: number) =>
    option(name, Config.number(name).pipe(Config.withDefault(fallback)))
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
    blockMigration
  }
  const problem = migrationPolicyProblems(migration)[0]
  if (problem !== undefined) return yield* new ConfigError(problem)

  const sleepCommand = yield* fromEither(
    parseCommand(
      "sleep_command",
      yield* option("sleep_command", Config.string("sleep_command").pipe(Config.withDefault("pm-suspend")))
    )
  )
  const sshAddresses = yield* fromEither(
    parseMap(
      "compute_ssh_addresses",
      yield* option("compute_ssh_addresses", Config.string("compute_ssh_addresses").pipe(Config.withDefault("")))
    )
  )
  const power: HostPowerOptions = {
    sleepCommand,
    sshAddresses,
    suspendVerifyTimeoutSec: yield* positive(
      "suspend_verify_timeout",
      yield* number("suspend_verify_timeout", defaultHostPowerOptions.suspendVerifyTimeoutSec)
    ),
    wakeTimeoutSec: yield* positive(
      "wake_timeout",
      yield* number("wake_timeout", defaultHostPowerOptions.wakeTimeoutSec)
    ),
    wakeResends: yield* option(
      "wake_resends",
      Config.integer("wake_resends").pipe(Config.withDefault(defaultHostPowerOptions.wakeResends))
    ),
    pollIntervalSec: yield* positive(
      "host_state_poll_interval",
      yield* number("host_state_poll_interval", defaultHostPowerOptions.pollIntervalSec)
    )
  }
  const password = yield* option("compute_password", Config.option(Config.redacted("compute_password")))
  const passphrase = yield* option(
    "compute_ssh_key_passphrase",
    Config.option(Config.redacted("compute_ssh_key_passphrase"))
  )
  const ssh: RemoteShellOptions = {
    username: yield* option("compute_user", Config.string("compute_user").pipe(Config.withDefault("neat"))),
    privateKeyPath: yield* option("compute_ssh_key", Config.string("compute_ssh_key")),
    knownHostsPath: yield* option("compute_known_hosts", Config.string("compute_known_hosts")),
    port: yield* option("compute_ssh_port", Config.port("compute_ssh_port").pipe(Config.withDefault(22))),
    password: Option.getOrUndefined(password),
    passphrase: Option.getOrUndefined(passphrase),
    connectTimeoutSec: yield* positive("ssh_connect_timeout", yield* number("ssh_connect_timeout", 10)),
    commandTimeoutSec: yield* positive("ssh_command_timeout", yield* number("ssh_command_timeout", 30))
  }

  // No default: wol would broadcast to 255.255.255.255:9, which must be a decision, not an accident.
  const wolAddress = yield* option("wol_address", Config.string("wol_address"))
  if (isIP(wolAddress) === 0) {
    return yield* new ConfigError({ field: "wol_address", message: `expected an IP address, got ${wolAddress}` })
  }
  const wol: WakeOnLanOptions = {
    address: wolAddress,
    port: yield* option("wol_port", Config.port("wol_port")),
    sendTimeoutSec: 2
  }
  const hostMacs = yield* fromEither(
    parseMap("host_macs", yield* option("host_macs", Config.string("host_macs").pipe(Config.withDefault(""))))
  )
  for (const [host, mac] of Object.entries(hostMacs)) {
    if (normaliseMac(mac) === undefined) {
      return yield* new ConfigError({ field: "host_macs", message: `${host}: not a MAC address: ${mac}` })
    }
  }
  return {
    keystone,
    nova,
    tls,
    inventory: { computeHosts, hostMhzPerCore, hostMhz },
    migration,
    power,
    ssh,
    wol,
    hostMacs
  }
})
