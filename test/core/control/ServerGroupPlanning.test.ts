import { describe, expect, it } from "vitest"
import type { CloudSnapshot } from "../../../src/core/control/CloudSnapshot.js"
import { defaultPlanningOptions, planOverload, planUnderload } from "../../../src/core/control/GlobalPlanning.js"
import type { HostState } from "../../../src/core/Host.js"
import type { ServerGroup } from "../../../src/core/ServerGroup.js"
import { bestFitDecreasing } from "../../support/algorithms.js"

const host = (name: string, vms: ReadonlyArray<string>): HostState => ({
  name,
  cores: 1,
  mhzPerCore: 1000,
  ramMb: 4096,
  power: "active",
  vms
})

const web: ServerGroup = { id: "g-web", name: "web", policy: "anti-affinity" }
const db: ServerGroup = { id: "g-db", name: "db", policy: "affinity" }
const cache: ServerGroup = { id: "g-cache", name: "cache", policy: "soft-anti-affinity" }

/** Hosts of 1000 MHz (100 of it their own use), VMs of 512 MB with the given CPU and group. */
const snapshot = (
  hosts: ReadonlyArray<HostState>,
  vms: Record<string, { readonly cpu: number; readonly group?: ServerGroup }>
): CloudSnapshot => ({
  hosts,
  vms: new Map(
    hosts.flatMap((h) =>
      h.vms.map((uuid) => [uuid, { uuid, ramMb: 512, host: h.name, vcpus: 1, serverGroup: vms[uuid]?.group }] as const)
    )
  ),
  vmCpuMhz: new Map(Object.entries(vms).map(([uuid, vm]) => [uuid, [vm.cpu]])),
  hostOwnMhz: new Map(hosts.map((h) => [h.name, 100]))
})

const placer = bestFitDecreasing()
const options = defaultPlanningOptions
const underload = (h: string) => ({ host: h, reason: "underload" as const, vmUuids: [] })
const overload = (h: string, vms: ReadonlyArray<string>) => ({ host: h, reason: "overload" as const, vmUuids: vms })

describe("planning with server groups", () => {
  it("empties a host onto a host without the VM's anti-affinity partner, though best fit prefers the partner's", () => {
    // h2 is the fuller host that fits (best fit's choice), but it holds web-2.
    const hosts = [host("h1", ["web-1"]), host("h2", ["web-2"]), host("h3", ["x"])]
    const vms = { "web-1": { cpu: 200, group: web }, "web-2": { cpu: 500, group: web }, x: { cpu: 100 } }
    const free = planUnderload(
      snapshot(hosts, { ...vms, "web-1": { cpu: 200 } }),
      underload("h1"),
      placer,
      null,
      options
    )
    expect(free.placement).toEqual({ "web-1": "h2" })
    const grouped = planUnderload(snapshot(hosts, vms), underload("h1"), placer, null, options)
    expect(grouped.status).toBe("planned")
    expect(grouped.plan.migrations).toEqual([{ vm: "web-1", from: "h1", to: "h3" }])
  })

  it("leaves the host as it is when only the partner's host has room, and says why", () => {
    const hosts = [host("h1", ["web-1"]), host("h2", ["web-2"]), host("h3", ["x"])]
    const vms = { "web-1": { cpu: 200, group: web }, "web-2": { cpu: 500, group: web }, x: { cpu: 800 } }
    const result = planUnderload(snapshot(hosts, vms), underload("h1"), placer, null, options)
    expect(result.status).toBe("serverGroup")
    expect(result.plan.migrations).toEqual([])
    expect(result.plan.suspend).not.toContain("h1")
    expect(result.detail).toBe(
      "the host cannot be emptied: VM web-1 stays: its anti-affinity group web (g-web) has members on h2, and no other host has room for it"
    )
  })

  it("moves the other selected VMs of an overloaded host and keeps an affinity member with its group", () => {
    const hosts = [host("h1", ["db-1", "db-2", "y"]), host("h2", [])]
    const vms = { "db-1": { cpu: 300, group: db }, "db-2": { cpu: 300, group: db }, y: { cpu: 300 } }
    const result = planOverload(snapshot(hosts, vms), overload("h1", ["db-1", "y"]), placer, null, options)
    expect(result.status).toBe("planned")
    expect(result.plan.migrations).toEqual([{ vm: "y", from: "h1", to: "h2" }])
    expect(result.detail).toBe(
      "1 VMs leave h1; VM db-1 stays: its affinity group db (g-db) keeps other members on h1, which cannot receive it"
    )
  })

  it("moves a whole affinity group together", () => {
    const hosts = [host("h1", ["db-1", "db-2"]), host("h2", ["p"]), host("h3", ["q"])]
    // Best fit alone would split them: db-1 fits only on h3, db-2 fits on h2 too.
    const vms = { "db-1": { cpu: 300, group: db }, "db-2": { cpu: 100, group: db }, p: { cpu: 700 }, q: { cpu: 100 } }
    const result = planUnderload(snapshot(hosts, vms), underload("h1"), placer, null, options)
    expect(result.status).toBe("planned")
    expect(new Set(result.plan.migrations.map((m) => m.to))).toEqual(new Set(["h3"]))
  })

  it("breaks a soft anti-affinity policy rather than leave an overloaded host as it is, and says so", () => {
    const hosts = [host("h1", ["c-1", "z"]), host("h2", ["c-2"])]
    const vms = { "c-1": { cpu: 300, group: cache }, "c-2": { cpu: 100, group: cache }, z: { cpu: 600 } }
    const result = planOverload(snapshot(hosts, vms), overload("h1", ["c-1"]), placer, null, options)
    expect(result.plan.migrations).toEqual([{ vm: "c-1", from: "h1", to: "h2" }])
    expect(result.detail).toContain("VM c-1 breaks a soft policy: its soft-anti-affinity group cache (g-cache)")
  })
})
