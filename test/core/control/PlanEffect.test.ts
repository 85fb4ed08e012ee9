import { assert, describe, it } from "@effect/vitest"
import type { CloudSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { planEffect } from "../../../src/core/control/PlanEffect.js"

/** Three hosts of 2 × 1000 MHz: h1 runs v1 (300 MHz) with 100 MHz of its own, h2 runs v2 (1500 MHz), h3 sleeps. */
const snapshot: CloudSnapshot = {
  hosts: [
    { name: "h1", cores: 2, mhzPerCore: 1000, ramMb: 8192, power: "active", vms: ["v1"] },
    { name: "h2", cores: 2, mhzPerCore: 1000, ramMb: 8192, power: "active", vms: ["v2"] },
    { name: "h3", cores: 2, mhzPerCore: 1000, ramMb: 8192, power: "suspended", vms: [] }
  ],
  vms: new Map([
    ["v1", { uuid: "v1", host: "h1", ramMb: 2048, vcpus: 1 }],
    ["v2", { uuid: "v2", host: "h2", ramMb: 4096, vcpus: 2 }]
  ]),
  vmCpuMhz: new Map([
    ["v1", [900, 300]],
    ["v2", [1500]]
  ]),
  hostOwnMhz: new Map([
    ["h1", 100],
    ["h2", 0]
  ])
}

/** 100 W idle, 200 W at full load, linear. */
const model = {
  powerWatts: (_: unknown, u: number) => 100 + 100 * u,
  migrationBandwidthMbPerSec: 8,
  overloadThreshold: 0.7
}

describe("a plan's predicted effect", () => {
  it("an underload: the emptied host suspended, its VM's use moved, the receiving host at risk", () => {
    const effect = planEffect(
      snapshot,
      { migrations: [{ vm: "v1", from: "h1", to: "h2" }], wake: [], suspend: ["h1"] },
      model
    )
    // Before: h1 at (100 + 300) / 2000 = 0.2 → 120 W, h2 at 0.75 → 175 W. After: h1 off, h2 at 0.9 → 190 W.
    assert.deepStrictEqual(effect, {
      hostsFreed: 1,
      powerSavedW: 120 + 175 - 190,
      energySavedKwhPerHour: (105 * (3600 - 256)) / 3600 / 1000,
      migrations: 1,
      migrationSeconds: 2048 / 8,
      slaRiskHosts: ["h2"]
    })
  })

  it("an overload: the woken host starts with no own use; a long migration saves nothing in its hour", () => {
    const slow = { ...model, migrationBandwidthMbPerSec: 1 }
    const effect = planEffect(
      snapshot,
      { migrations: [{ vm: "v2", from: "h2", to: "h3" }], wake: ["h3"], suspend: [] },
      slow
    )
    // h2 from 0.75 (175 W) to 0 (100 W, still on); h3 from off to 0.75 (175 W).
    assert.deepStrictEqual(effect, {
      hostsFreed: -1,
      powerSavedW: 175 - 100 - 175,
      energySavedKwhPerHour: 0 / 1000,
      migrations: 1,
      migrationSeconds: 4096,
      slaRiskHosts: ["h3"]
    })
  })
})
