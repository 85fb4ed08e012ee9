/** `--hosts FILE.json`: a data centre's own host types, checked with errors naming the file and the field. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { fleetHostTypeOf, hostFleetOf, loadHostsFile } from "../../../src/adapters/sim/HostsFile.js"
import { powerAt } from "../../../src/adapters/sim/PowerModel.js"
import { runSimulation } from "../../../src/adapters/sim/runSimulation.js"
import { describeError } from "../../../src/core/errors.js"

const specpower = [110, 140, 160, 180, 200, 225, 250, 280, 310, 340, 370]
const valid = {
  hosts: [
    { name: "big", count: 2, cores: 16, mhz_per_core: 2600, ram_mb: 65536, bandwidth_mbps: 10000, power_w: specpower },
    { name: "old", count: 3, cores: 4, mhz_per_core: 2000, ram_mb: 16384, power_w: { idle: 90, max: 210 } }
  ]
}
const errorOf = (document: unknown): string => {
  const fleet = hostFleetOf("dc.json", document)
  return Either.isLeft(fleet) ? describeError(fleet.left) : "accepted"
}
const withType = (change: Record<string, unknown>) => ({ hosts: [valid.hosts[0], { ...valid.hosts[1], ...change }] })

describe("hosts file", () => {
  it("reads types with their counts, cores, MHz, memory and power curves, numbered type by type", () => {
    const fleet = Either.getOrThrow(hostFleetOf("dc.json", valid))
    expect(fleet.counts).toEqual([2, 3])
    expect(fleet.types.map((t) => [t.name, t.cores, t.mhzPerCore, t.ramMb, t.bandwidthMbps])).toEqual([
      ["big", 16, 2600, 65536, 10000],
      ["old", 4, 2000, 16384, 1000]
    ])
    expect(Array.from(fleet.types[0]!.power)).toEqual(specpower)
    // idle/max: a straight line through 11 points.
    expect(Array.from(fleet.types[1]!.power)).toEqual([90, 102, 114, 126, 138, 150, 162, 174, 186, 198, 210])
    expect(Array.from(fleetHostTypeOf(fleet))).toEqual([0, 0, 1, 1, 1])
  })

  it("names the file and the JSON path of a bad field", () => {
    expect(errorOf(withType({ power_w: [90, 100, "x"] }))).toBe(
      "dc.json, hosts[1].power_w: expected 11 values (watts at 0 %, 10 %, ..., 100 % CPU), got 3"
    )
    expect(errorOf(withType({ power_w: [1, 2, 3, 4, 5, "x", 7, 8, 9, 10, 11] }))).toBe(
      'dc.json, hosts[1].power_w[5]: expected a number of watts >= 0, got "x"'
    )
    expect(errorOf(withType({ power_w: [1, 2, 3, 4, 5, 4, 7, 8, 9, 10, 11] }))).toBe(
      "dc.json, hosts[1].power_w[5]: 4 W is below the 5 W at 40 %: power must not fall"
    )
    expect(errorOf(withType({ power_w: { idle: 100, max: 50 } }))).toBe(
      "dc.json, hosts[1].power_w.max: expected a number of watts >= idle (100), got 50"
    )
    expect(errorOf(withType({ cores: 2.5 }))).toBe("dc.json, hosts[1].cores: expected a positive integer, got 2.5")
    expect(errorOf(withType({ count: undefined }))).toBe(
      "dc.json, hosts[1].count: expected a positive integer, got nothing"
    )
    expect(errorOf(withType({ ram: 4 }))).toBe(
      "dc.json, hosts[1].ram: unknown field: expected name, count, cores, mhz_per_core, ram_mb, bandwidth_mbps, power_w"
    )
    expect(errorOf(withType({ name: "big" }))).toBe('dc.json, hosts[1].name: "big" is already the name of a type')
    expect(errorOf({ hosts: [] })).toBe("dc.json, hosts: expected at least one host type")
    expect(errorOf([1])).toBe('dc.json, hosts: expected an object {"hosts": [{"name", "count", "cores", ...}, ...]}')
  })

  it("names the line of a JSON syntax error, and a missing file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neat-hosts-"))
    const file = join(dir, "broken.json")
    writeFileSync(file, '{\n  "hosts": [\n    { "name": "a", }\n  ]\n}\n')
    const broken = await Effect.runPromise(Effect.either(loadHostsFile(file)))
    expect(Either.isLeft(broken) && describeError(broken.left)).toMatch(new RegExp(`^${file}, line 3: not JSON`))
    const missing = await Effect.runPromise(Effect.either(loadHostsFile(join(dir, "none.json"))))
    expect(Either.isLeft(missing) && describeError(missing.left)).toMatch(/none\.json: cannot read/)
  })

  it("models the file's machines: capacity, memory and power curve decide placement and energy", () => {
    const fleet = Either.getOrThrow(hostFleetOf("dc.json", valid))
    // One VM of 1000 MHz at 50 %, on the first big host (first fit): power on the big curve at 500 / 41 600.
    const { metrics } = runSimulation({
      trace: { names: ["a"], intervalSec: 300, samples: 4, cpu: Float64Array.of(0.5, 0.5, 0.5, 0.5) },
      hosts: 5,
      hostTypes: fleet.types,
      hostTypeOf: fleetHostTypeOf(fleet),
      vmTypes: [{ name: "v", mhz: 1000, ramMb: 1000, bandwidthMbps: 100 }],
      policy: "dvfs"
    })
    expect(metrics.hosts).toBe(5)
    expect(metrics.energyKwh).toBeCloseTo((powerAt(Float64Array.from(specpower), 500 / 41_600) * 600) / 3.6e6, 12)
  })
})
