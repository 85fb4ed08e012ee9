/** Which MAC address the collector records for Wake-on-LAN. */
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { hostMacOf } from "../../../src/server/collector/hostMac.js"
import { loadNeatConfig } from "../../../src/server/config/NeatConfig.js"

const interfaces = {
  lo: [{ mac: "00:00:00:00:00:00", internal: true }],
  eth1: [{ mac: "52:54:00:00:00:02", internal: false }],
  eth0: [
    { mac: "52:54:00:00:00:01", internal: false },
    { mac: "52:54:00:00:00:01", internal: false }
  ],
  tun0: [{ mac: "00:00:00:00:00:00", internal: false }]
}

describe("hostMacOf", () => {
  it("takes the configured MAC, normalised", () => {
    expect(hostMacOf("52-54-00-AA-BB-CC", interfaces)).toBe("52:54:00:aa:bb:cc")
  })

  it("otherwise takes the first external interface by name that has a MAC", () => {
    expect(hostMacOf("", interfaces)).toBe("52:54:00:00:00:01")
    expect(hostMacOf("", { lo: interfaces.lo, tun0: interfaces.tun0 })).toBeUndefined()
  })
})

describe("local_host_mac in neat.conf", () => {
  it("refuses a malformed MAC, naming the option", async () => {
    const result = await Effect.runPromise(
      Effect.either(loadNeatConfig({ env: { NEAT_LOCAL_HOST_MAC: "52:54:00" } })).pipe(
        Effect.provide(NodeContext.layer)
      )
    )
    expect(result._tag).toBe("Left")
    expect(JSON.stringify(result)).toMatch(/local_host_mac.*MAC address/)
  })
})
