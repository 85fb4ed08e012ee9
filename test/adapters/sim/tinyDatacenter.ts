/** Host and VM types for hand-checkable simulations. */
import type { HostType, VmType } from "../../../src/adapters/sim/Datacenter.js"
import { hpProLiantMl110G4 } from "../../../src/adapters/sim/PowerModel.js"

/** CloudSim's HP ProLiant ML110 G4: 2 cores of 1860 MHz, 4096 MB, 1 Gbit/s. */
export const g4: HostType = {
  name: "G4",
  mhzPerCore: 1860,
  cores: 2,
  ramMb: 4096,
  bandwidthMbps: 1000,
  power: hpProLiantMl110G4
}

/** 1000 MHz, 1000 MB: a migration takes 1000 / 62.5 = 16 s. */
export const small: VmType = { name: "small", mhz: 1000, ramMb: 1000, bandwidthMbps: 100 }
