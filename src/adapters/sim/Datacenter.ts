/**
 * The data centre of CloudSim's PlanetLab study: host and VM types, and how they are assigned
 * (hosts alternate between the types; VMs take their type by contiguous index blocks).
 */
import { hpProLiantMl110G4, hpProLiantMl110G5, type PowerTable } from "./PowerModel.js"

export interface HostType {
  readonly name: string
  /** Capacity of one core, MHz (CloudSim's MIPS). */
  readonly mhzPerCore: number
  readonly cores: number
  readonly ramMb: number
  /** Network link, Mbit/s; half of it carries live migrations. */
  readonly bandwidthMbps: number
  /** Power at 0 %, 10 %, …, 100 % CPU, watts. */
  readonly power: PowerTable
}

export interface VmType {
  readonly name: string
  /** CPU capacity, MHz (one virtual core). */
  readonly mhz: number
  /** Configured memory, MB: what a live migration copies. */
  readonly ramMb: number
  /** Network share reserved at creation, Mbit/s. */
  readonly bandwidthMbps: number
}

/** HP ProLiant ML110 G4 and G5, in the order hosts alternate (host i gets type i mod 2). */
export const planetLabHostTypes: ReadonlyArray<HostType> = [
  {
    name: "HP ProLiant ML110 G4",
    mhzPerCore: 1860,
    cores: 2,
    ramMb: 4096,
    bandwidthMbps: 1000,
    power: hpProLiantMl110G4
  },
  {
    name: "HP ProLiant ML110 G5",
    mhzPerCore: 2660,
    cores: 2,
    ramMb: 4096,
    bandwidthMbps: 1000,
    power: hpProLiantMl110G5
  }
]

/** The four VM types (Amazon EC2-like), assigned by index blocks of ceil(N / 4). */
export const planetLabVmTypes: ReadonlyArray<VmType> = [
  { name: "high-CPU medium", mhz: 2500, ramMb: 870, bandwidthMbps: 100 },
  { name: "extra large", mhz: 2000, ramMb: 1740, bandwidthMbps: 100 },
  { name: "small", mhz: 1000, ramMb: 1740, bandwidthMbps: 100 },
  { name: "micro", mhz: 500, ramMb: 613, bandwidthMbps: 100 }
]

/** CloudSim's PlanetLab host count. */
export const planetLabHostCount = 800

/** Host `i`'s type index: the types alternate. */
export const hostTypeIndex = (host: number, typeCount: number): number => host % typeCount

/** VM `v`'s type index out of `vmCount` VMs: contiguous blocks of ceil(vmCount / typeCount). */
export const vmTypeIndex = (vm: number, vmCount: number, typeCount: number): number =>
  Math.min(typeCount - 1, Math.floor(vm / Math.ceil(vmCount / typeCount)))

/** Seconds to live-migrate `ramMb` over half of a `bandwidthMbps` link (CloudSim: RAM / (BW / 16000)). */
export const migrationSeconds = (ramMb: number, bandwidthMbps: number): number =>
  ramMb / ((bandwidthMbps * 1000) / 16000)
