import { describe, expect, it } from "vitest"
import { hostTypeIndex, migrationSeconds, vmTypeIndex } from "../../../src/adapters/sim/Datacenter.js"

describe("PlanetLab data centre", () => {
  it("migrates RAM over half of a 1 Gbit/s link: RAM / 62.5 MB/s", () => {
    expect(migrationSeconds(613, 1000)).toBe(9.808)
    expect(migrationSeconds(870, 1000)).toBe(13.92)
    expect(migrationSeconds(1740, 1000)).toBe(27.84)
  })

  it("alternates host types and gives VM types by index blocks of ceil(N / 4)", () => {
    expect([0, 1, 2, 3].map((h) => hostTypeIndex(h, 2))).toEqual([0, 1, 0, 1])
    // 1052 VMs: blocks of 263.
    expect([0, 262, 263, 525, 526, 788, 789, 1051].map((v) => vmTypeIndex(v, 1052, 4))).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3
    ])
    // 898 VMs: blocks of 225, the last one shorter.
    expect([224, 225, 674, 675, 897].map((v) => vmTypeIndex(v, 898, 4))).toEqual([0, 1, 2, 3, 3])
  })
})
