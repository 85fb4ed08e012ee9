import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect, Either, Redacted } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { InvalidConfig } from "../../../src/server/config/InvalidConfig.js"
import {
  type AlgorithmValidator,
  defaultConfigFile,
  loadNeatConfig,
  type NeatConfig,
  resolveNeatConfig
} from "../../../src/server/config/NeatConfig.js"
import { optionNames } from "../../../src/server/config/options.js"

const defaults = { file: "config/neat.conf", text: readFileSync(defaultConfigFile, "utf8") }

const resolve = (
  overrides: string,
  env: Record<string, string> = {},
  validate?: AlgorithmValidator
): Either.Either<NeatConfig, InvalidConfig> =>
  resolveNeatConfig([defaults, { file: "site.conf", text: `[DEFAULT]\n${overrides}` }], env, validate)

const config = (overrides: string, env: Record<string, string> = {}): NeatConfig =>
  Either.getOrThrowWith(resolve(overrides, env), (error) => new Error(error.message))

/** The problems as [option, source, message] triples. */
const problems = (overrides: string, env: Record<string, string> = {}, validate?: AlgorithmValidator) => {
  const result = resolve(overrides, env, validate)
  if (Either.isRight(result)) throw new Error("expected the configuration to be rejected")
  return result.left.problems.map((p) => [p.field, p.source, p.message])
}

const directory = mkdtempSync(join(tmpdir(), "neat-config-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("Neat's defaults", () => {
  it("ship every option, and only known ones", () => {
    const names = [...defaults.text.matchAll(/^([a-z_]+) =/gm)].map((m) => m[1])
    expect([...names].sort()).toEqual([...optionNames].sort())
  })

  it("decode into the typed configuration with Neat's values", () => {
    const c = config("")
    expect(c.dataCollectorInterval).toBe(300)
    expect(c.localManagerInterval).toBe(300)
    expect(c.dbCleanerInterval).toBe(7200)
    expect(c.dataCollectorDataLength).toBe(100)
    expect(c.hostCpuOverloadThreshold).toBe(0.8)
    expect(c.hostCpuUsableByVms).toBe(1)
    expect(c.networkMigrationBandwidth).toBe(10)
    expect(c.globalManagerPort).toBe(60080)
    expect(c.computeHosts).toEqual(["compute1", "compute2", "compute3", "compute4"])
    expect(c.sqlConnection).toEqual({ dialect: "sqlite", path: "/var/lib/neat/neat.db" })
    expect(c.neatCompatAuth).toBe(true)
    expect(c.globalManagerSigningSecret).toBeUndefined()
    expect(c.mode).toBe("openstack")
    expect(Redacted.value(c.osAdminPassword)).toBe("adminpassword")
    expect(c.algorithms.overload).toEqual({
      name: "neat.locals.overload.mhod.core.mhod_factory",
      params: {
        state_config: [0.8],
        otf: 0.1,
        history_size: 500,
        window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
        bruteforce_step: 0.2,
        learning_steps: 30
      }
    })
    expect(c.algorithms.placement.params).toEqual({ cpu_threshold: 0.95, ram_threshold: 0.95, last_n_vm_cpu: 2 })
    expect(c.sources.data_collector_interval).toMatch(/^config\/neat\.conf:\d+$/)
  })
})

describe("precedence", () => {
  it("lets the operator's file override the defaults and the environment override both", () => {
    const c = config("data_collector_interval = 60\nlocal_manager_interval = 120\n", {
      NEAT_LOCAL_MANAGER_INTERVAL: "30",
      NEAT_SQL_CONNECTION: "postgresql://neat@db/neat",
      NEAT_TEST_PG_URL: "ignored: not an option"
    })
    expect(c.dataCollectorInterval).toBe(60)
    expect(c.sources.data_collector_interval).toBe("site.conf:2")
    expect(c.localManagerInterval).toBe(30)
    expect(c.sources.local_manager_interval).toBe("env NEAT_LOCAL_MANAGER_INTERVAL")
    expect(c.sqlConnection).toEqual({ dialect: "postgres", url: "postgresql://neat@db/neat" })
  })

  it("takes registry names and JSON parameters for algorithms", () => {
    const c = config(
      'algorithm_overload_detection_factory = overload/otf\nalgorithm_overload_detection_parameters = {"otf": 0.2, "threshold": 0.9, "limit": 30}\n'
    )
    expect(c.algorithms.overload).toEqual({ name: "overload/otf", params: { otf: 0.2, threshold: 0.9, limit: 30 } })
  })

  it("reads booleans, secrets and host lists the way operators write them", () => {
    const c = config(
      "neat_compat_auth = off\nglobal_manager_signing_secret = 0123456789abcdef\ncompute_hosts = a-1.example  b-2\n"
    )
    expect(c.neatCompatAuth).toBe(false)
    expect(c.globalManagerSigningSecret && Redacted.value(c.globalManagerSigningSecret)).toBe("0123456789abcdef")
    expect(c.computeHosts).toEqual(["a-1.example", "b-2"])
  })
})

describe("errors", () => {
  it("reports every bad option at once, with its source and why", () => {
    expect(
      problems(
        [
          "log_level = 7",
          "data_collector_interval = -3",
          "local_manager_interval = 1.5",
          "data_collector_data_length = many",
          "host_cpu_overload_threshold = 0",
          "network_migration_bandwidth = -1",
          "global_manager_port = 70000",
          "neat_compat_auth = maybe",
          "mode = cloud",
          "os_auth_url = controller:5000",
          "compute_hosts = a, b, a",
          "sql_connection = mysql://neat@controller",
          "global_manager_signing_secret = short",
          "log_directory =   "
        ].join("\n"),
        { NEAT_HOST_CPU_USABLE_BY_VMS: "1.5" }
      )
    ).toEqual([
      ["log_directory", "site.conf:15", "must not be empty"],
      ["log_level", "site.conf:2", "must be a whole number from 0 to 3 (got '7')"],
      ["sql_connection", "site.conf:13", "the MySQL URL names no database: add /dbname"],
      ["os_auth_url", "site.conf:11", "must be an http:// or https:// URL (got 'controller:5000')"],
      ["compute_hosts", "site.conf:12", "lists a host more than once"],
      ["global_manager_port", "site.conf:8", "must be a whole number from 1 to 65535 (got '70000')"],
      ["local_manager_interval", "site.conf:4", "must be a whole number of seconds, at least 1 (got '1.5')"],
      ["data_collector_interval", "site.conf:3", "must be a whole number of seconds, at least 1 (got '-3')"],
      ["data_collector_data_length", "site.conf:5", "must be a whole number, at least 1 (got 'many')"],
      ["host_cpu_overload_threshold", "site.conf:6", "must be a fraction greater than 0 and at most 1 (got '0')"],
      [
        "host_cpu_usable_by_vms",
        "env NEAT_HOST_CPU_USABLE_BY_VMS",
        "must be a fraction greater than 0 and at most 1 (got '1.5')"
      ],
      ["network_migration_bandwidth", "site.conf:7", "must be a number greater than 0 (got '-1')"],
      ["mode", "site.conf:10", "must be one of openstack, sim (got 'cloud')"],
      ["neat_compat_auth", "site.conf:9", "must be true or false (got 'maybe')"],
      ["global_manager_signing_secret", "site.conf:14", "must be empty (signed requests off) or at least 16 characters"]
    ])
  })

  it("names unknown options and suggests the closest one", () => {
    expect(problems("sql_conection = x\nfoo_bar = 1")).toEqual([
      ["sql_conection", "site.conf:2", "unknown option; did you mean sql_connection?"],
      ["foo_bar", "site.conf:3", "unknown option"]
    ])
  })

  it("checks the form of algorithm names and parameters", () => {
    expect(
      problems(
        [
          "algorithm_vm_placement_factory = overload/mhod",
          "algorithm_vm_placement_parameters = {x",
          "algorithm_vm_selection_factory = minimum migration time",
          "algorithm_vm_selection_parameters = [1, 2]",
          "algorithm_underload_detection_factory ="
        ].join("\n")
      )
    ).toEqual([
      ["algorithm_underload_detection_factory", "site.conf:6", "must name an algorithm"],
      [
        "algorithm_vm_selection_factory",
        "site.conf:4",
        "'minimum migration time' is neither a registry name like 'selection/<name>', a dotted factory name like 'neat.locals.<module>.<factory>', nor a user's MODULE#EXPORT"
      ],
      [
        "algorithm_vm_selection_parameters",
        "site.conf:5",
        'must be a JSON object of parameters, like {"threshold": 0.8}'
      ],
      [
        "algorithm_vm_placement_factory",
        "site.conf:2",
        "'overload/mhod' is in the overload family, but this option needs placement/<name>"
      ],
      [
        "algorithm_vm_placement_parameters",
        "site.conf:3",
        "is not valid JSON: Expected property name or '}' in JSON at position 1"
      ]
    ])
  })

  it("hands names to the resolver it is given and reports what it refuses", () => {
    const validate: AlgorithmValidator = (role, spec) =>
      role === "overload" && spec.name === "overload/unknown"
        ? Either.left({ message: "no overload algorithm named 'unknown'" })
        : Either.right(spec)
    expect(problems("algorithm_overload_detection_factory = overload/unknown", {}, validate)).toEqual([
      [
        "algorithm_overload_detection_factory",
        expect.stringMatching(/^site\.conf:2, config\/neat\.conf:\d+$/),
        "no overload algorithm named 'unknown'"
      ]
    ])
  })

  it("reports options missing from every file", () => {
    const result = resolveNeatConfig([{ file: "only.conf", text: "[DEFAULT]\nlog_level = 1\n" }], {})
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.problems).toHaveLength(optionNames.length - 1)
      expect(result.left.problems[0]?.message).toBe("is missing: set it in neat.conf or NEAT_LOG_DIRECTORY")
      expect(result.left.message).toMatch(
        new RegExp(`^${optionNames.length - 1} configuration problems:\n {2}log_directory: is missing`)
      )
    }
  })
})

describe("loadNeatConfig", () => {
  const load = (configFile?: string, env: Record<string, string> = {}) =>
    Effect.runPromise(loadNeatConfig({ configFile, env }).pipe(Effect.either, Effect.provide(NodeContext.layer)))

  it("reads the shipped defaults and the operator's file", async () => {
    const file = join(directory, "neat.conf")
    writeFileSync(file, "[DEFAULT]\nsql_connection = sqlite:///:memory:\n")
    const result = await load(file)
    expect(Either.isRight(result) && result.right.sqlConnection).toEqual({ dialect: "sqlite", path: ":memory:" })
    expect(Either.isRight(result) && result.right.sources.sql_connection).toBe(`${file}:2`)
  })

  it("fails with the path of a file it cannot read", async () => {
    const result = await load(join(directory, "absent.conf"))
    expect(Either.isLeft(result) && result.left.message).toContain(`cannot read ${join(directory, "absent.conf")}`)
  })
})
