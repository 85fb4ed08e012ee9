import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { assert, describe, it } from "vitest"
import {
  loadOpenStackOptions,
  openStackOptionProblems,
  parseCommand,
  parseMap
} from "../../../src/adapters/nova/OpenStackConfig.js"
import { describeError } from "../../../src/core/errors.js"

const required = {
  os_auth_url: "http://controller:5000/v3",
  os_admin_user: "admin",
  os_admin_password: "secret",
  os_admin_tenant_name: "admin",
  compute_ssh_key: "/etc/neat/id_ed25519",
  compute_known_hosts: "/etc/neat/known_hosts",
  wol_address: "192.168.10.255",
  wol_port: "9"
}

const load = (values: Record<string, string>) =>
  Effect.runSync(
    Effect.either(
      loadOpenStackOptions.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(values)))))
    )
  )

describe("OpenStack configuration", () => {
  it("reads Neat's option names and fills in the defaults", () => {
    const result = load({
      ...required,
      compute_hosts: "compute1, compute2",
      network_migration_bandwidth: "100",
      sleep_command: "systemctl suspend",
      host_macs: "compute1=52:54:00:00:00:01, compute2=52-54-00-00-00-02"
    })
    assert.isTrue(Either.isRight(result), JSON.stringify(result))
    if (Either.isLeft(result)) return
    const options = result.right
    assert.strictEqual(options.keystone.authUrl, "http://controller:5000/v3")
    assert.strictEqual(Redacted.value(options.keystone.password), "secret")
    assert.strictEqual(options.keystone.endpointInterface, "public")
    assert.strictEqual(options.nova.microversion, "2.79")
    assert.deepStrictEqual(options.inventory.computeHosts, ["compute1", "compute2"])
    assert.strictEqual(options.migration.bandwidthMbPerSec, 100)
    assert.strictEqual(options.migration.blockMigration, "auto")
    assert.deepStrictEqual(options.power.sleepCommand, ["systemctl", "suspend"])
    assert.deepStrictEqual(options.wol, { address: "192.168.10.255", port: 9, sendTimeoutSec: 2 })
    assert.strictEqual(options.ssh.username, "neat")
    assert.strictEqual(options.ssh.port, 22)
    assert.deepStrictEqual(Object.keys(options.hostMacs), ["compute1", "compute2"])
  })

  it("reports every missing and bad option at once, in plain words", () => {
    const problems = Effect.runSync(
      openStackOptionProblems.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["block_migration", "maybe"],
              ["wol_port", "70000"]
            ])
          )
        )
      )
    )
    assert.deepStrictEqual(
      problems.map((problem) => problem.field),
      [
        "os_auth_url",
        "os_admin_user",
        "os_admin_password",
        "os_admin_tenant_name",
        "block_migration",
        "compute_ssh_key",
        "compute_known_hosts",
        "wol_address",
        "wol_port"
      ]
    )
    for (const problem of problems.filter((p) => p.field !== "block_migration" && p.field !== "wol_port")) {
      assert.match(problem.message, /^is not set; the OpenStack cloud needs it \(.+\)$/)
      assert.notMatch(problem.message, /provided map|Expected/)
    }
    const none = openStackOptionProblems.pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(required))))
    )
    assert.deepStrictEqual(Effect.runSync(none), [])
  })

  it("requires the Wake-on-LAN target: no silent broadcast default", () => {
    const { wol_address: _, ...withoutAddress } = required
    const result = load(withoutAddress)
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.field, "wol_address")
      assert.match(describeError(result.left), /^configuration: wol_address: /)
    }
  })

  it("selects IPMI per host, with credentials per host over the shared ones", () => {
    const result = load({
      ...required,
      compute_hosts: "compute1, compute2, compute3",
      host_wake_methods: "compute2=ipmi, compute3=ipmi",
      ipmi_hosts: "compute2=10.0.0.102, compute3=[fd00::3]:6230",
      ipmi_user: "neat",
      ipmi_password: "shared",
      ipmi_users: "compute3=root",
      ipmi_passwords: '{"compute3": "own, with a comma"}',
      ipmi_power_off: "off"
    })
    assert.isTrue(Either.isRight(result), JSON.stringify(result))
    if (Either.isLeft(result)) return
    const power = result.right.power
    assert.deepStrictEqual(power.wakeMethods, { compute2: "ipmi", compute3: "ipmi" })
    assert.strictEqual(power.defaultWakeMethod, "wol")
    assert.strictEqual(power.ipmi?.powerOff, "off")
    assert.strictEqual(power.ipmi?.timeoutSec, 30)
    const compute2 = power.ipmi?.targets.compute2
    const compute3 = power.ipmi?.targets.compute3
    assert.deepStrictEqual(
      [compute2?.address, compute2?.port, compute2?.user, compute2?.interface],
      ["10.0.0.102", 623, "neat", "lanplus"]
    )
    assert.strictEqual(Redacted.value(compute2!.password), "shared")
    assert.deepStrictEqual([compute3?.address, compute3?.port, compute3?.user], ["fd00::3", 6230, "root"])
    assert.strictEqual(Redacted.value(compute3!.password), "own, with a comma")
  })

  it("needs no Wake-on-LAN target when every host wakes by IPMI", () => {
    const { wol_address: _, wol_port: __, ...withoutWol } = required
    const result = load({
      ...withoutWol,
      host_wake_methods: "*=ipmi",
      ipmi_hosts: "compute1=10.0.0.101",
      ipmi_user: "neat",
      ipmi_password: "pw"
    })
    assert.isTrue(Either.isRight(result), JSON.stringify(result))
    if (Either.isRight(result)) assert.strictEqual(result.right.power.defaultWakeMethod, "ipmi")
  })

  it("names what an IPMI host lacks", () => {
    const problems = Effect.runSync(
      openStackOptionProblems.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map(
              Object.entries({
                ...required,
                compute_hosts: "compute1, compute2",
                host_wake_methods: "compute1=ipmi, compute2=ipmi, compute9=bmc",
                ipmi_hosts: "compute2=10.0.0.2:99999",
                ipmi_power_off: "halt"
              })
            )
          )
        )
      )
    )
    assert.deepStrictEqual(
      problems.map((problem) => [problem.field, problem.message]),
      [
        ["host_wake_methods", "compute9: expected wol or ipmi, got bmc"],
        ["ipmi_power_off", problems.find((p) => p.field === "ipmi_power_off")?.message ?? ""],
        ["ipmi_hosts", "compute2: expected address or address:port, got 10.0.0.2:99999"],
        ["ipmi_hosts", "compute1 wakes by IPMI but has no BMC address here"]
      ]
    )
    assert.match(problems.find((p) => p.field === "ipmi_power_off")?.message ?? "", /halt/)
  })

  it("names the option of every bad value", () => {
    const cases: ReadonlyArray<[Record<string, string>, string, RegExp]> = [
      [{ os_auth_url: "controller:5000" }, "os_auth_url", /http\(s\) URL/],
      [{ nova_api_microversion: "2.93" }, "nova_api_microversion", /between 2\.53 and 2\.87/],
      [{ block_migration: "maybe" }, "block_migration", /auto, true or false/],
      [{ host_macs: "compute1=52:54:00" }, "host_macs", /compute1: not a MAC address/],
      [{ sleep_command: "echo 1 > /sys/power/state" }, "sleep_command", /JSON array/],
      [{ wol_port: "70000" }, "wol_port", /./],
      [{ max_concurrent_migrations: "0" }, "max_concurrent_migrations", /positive integer/],
      [{ wol_address: "broadcast" }, "wol_address", /IP address/],
      [{ os_endpoint_type: "private" }, "os_endpoint_type", /./]
    ]
    for (const [override, field, message] of cases) {
      const result = load({ ...required, ...override })
      assert.isTrue(Either.isLeft(result), `${field} should be refused`)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.field, field)
        assert.match(result.left.message, message)
      }
    }
  })

  it("parses maps and commands", () => {
    assert.deepStrictEqual(parseMap("m", ' { "a": "1", "b": 2 } '), Either.right({ a: "1", b: "2" }))
    assert.deepStrictEqual(parseMap("m", "a=1,b = x=y"), Either.right({ a: "1", b: "x=y" }))
    assert.isTrue(Either.isLeft(parseMap("m", "a")))
    assert.deepStrictEqual(
      parseCommand("c", '["sh", "-c", "echo mem > /sys/power/state"]'),
      Either.right(["sh", "-c", "echo mem > /sys/power/state"])
    )
    assert.deepStrictEqual(parseCommand("c", "pm-suspend"), Either.right(["pm-suspend"]))
    assert.isTrue(Either.isLeft(parseCommand("c", "  ")))
  })
})
