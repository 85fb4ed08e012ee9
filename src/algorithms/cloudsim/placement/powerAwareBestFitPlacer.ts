/**
 * CloudSim's power-aware best fit as a catalogue `VmPlacer` (`power_aware_best_fit`), so that the
 * `neat` policy and the live stack can name it.
 *
 * VMs are taken by decreasing current demand (the newest `cpuMhz` value; equals keep their input
 * order, as CloudSim's stable sort). Each goes to the host, active or not, whose power would grow
 * least: P(utilisation with the VM and those placed before it) − P(utilisation the input reports),
 * the lowest in input order among equals (active hosts first); a suspended host costs its load above
 * idle power. A host takes a VM only if its CPU stays within `cpu_threshold` and its memory within
 * `ram_threshold` of capacity (CloudSim asks its overload detector instead; 0.8 is THR 0.8's
 * test). Every VM is placed or none.
 *
 * What `PlacementInput` lacks is the hosts' power model: it comes from the parameters,
 * `power_models`, a list of `{ cpu_mhz, watts }` with `watts` the power at 0, 10, …, 100 %
 * utilisation (linear in between). A host takes the first model whose `cpu_mhz` equals its total CPU,
 * else the last one. The default is CloudSim's PlanetLab hosts: HP ProLiant ML110 G4 (3720 MHz)
 * and G5 (5320 MHz, also every other host).
 */
import { Schema } from "effect"
import type { Placement } from "../../../core/Placement.js"
import { Fraction, NonNegativeNumber, PositiveNumber } from "../../schemaFields.js"
import { type NoState, noState } from "../../stateless.js"
import type { PlacementHost, PlacementInput, VmPlacer } from "../../types.js"

const PowerModelSchema = Schema.Struct({
  /** Total CPU of the hosts this model is for, MHz (absent: any host). */
  cpu_mhz: Schema.optional(PositiveNumber),
  /** Watts at 0, 10, …, 100 % CPU utilisation. */
  watts: Schema.Array(NonNegativeNumber).pipe(
    Schema.filter((watts) => watts.length === 11 || "expected 11 values (0, 10, ..., 100 %)")
  )
})

export const PowerAwareBestFitParamsSchema = Schema.Struct({
  /** Highest CPU use a host may reach with the VMs placed, fraction of its capacity. */
  cpu_threshold: Schema.optionalWith(Fraction, { default: () => 0.8 }),
  /** Highest memory use a host may reach, fraction of its capacity. */
  ram_threshold: Schema.optionalWith(Fraction, { default: () => 1 }),
  /** The hosts' power models (CloudSim's PlanetLab G4 and G5 by default). */
  power_models: Schema.optionalWith(
    Schema.Array(PowerModelSchema).pipe(Schema.filter((models) => models.length > 0 || "expected at least one model")),
    {
      default: () => [
        { cpu_mhz: 3720, watts: [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117] },
        { cpu_mhz: 5320, watts: [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135] }
      ]
    }
  )
})
export type PowerAwareBestFitParams = typeof PowerAwareBestFitParamsSchema.Type

/** Power at utilisation `u` (clamped to 0..1), linear between the table's points. */
const powerAt = (watts: ReadonlyArray<number>, u: number): number => {
  const x = Math.min(1, Math.max(0, u)) * 10
  const low = Math.floor(x)
  if (low >= 10) return watts[10]!
  return watts[low]! + (watts[low + 1]! - watts[low]!) * (x - low)
}

export const powerAwareBestFit = (params: PowerAwareBestFitParams): VmPlacer<NoState> => {
  const modelFor = (host: PlacementHost): ReadonlyArray<number> =>
    (params.power_models.find((model) => model.cpu_mhz === host.cpuMhz) ?? params.power_models.at(-1)!).watts
  return {
    initialState: noState,
    place: (input: PlacementInput, state) => [placeAll(params, input, modelFor), state]
  }
}

const placeAll = (
  params: PowerAwareBestFitParams,
  input: PlacementInput,
  modelFor: (host: PlacementHost) => ReadonlyArray<number>
): Placement | undefined => {
  const hosts = [...input.hosts, ...input.inactiveHosts]
  const models = hosts.map(modelFor)
  const cpuUsed = hosts.map((host) => host.cpuUsedMhz)
  const ramUsed = hosts.map((host) => host.ramUsedMb)
  const stalePower = hosts.map((host, h) => powerAt(models[h]!, host.cpuUsedMhz / host.cpuMhz))
  const demand = (cpuMhz: ReadonlyArray<number>): number => cpuMhz[cpuMhz.length - 1] ?? 0
  const order = input.vms.map((_, v) => v).sort((a, b) => demand(input.vms[b]!.cpuMhz) - demand(input.vms[a]!.cpuMhz))
  const placement: Record<string, string> = {}
  for (const v of order) {
    const vm = input.vms[v]!
    const cpu = demand(vm.cpuMhz)
    let best = -1
    let bestScore = Number.POSITIVE_INFINITY
    for (let h = 0; h < hosts.length; h++) {
      const host = hosts[h]!
      if (cpuUsed[h]! + cpu > params.cpu_threshold * host.cpuMhz) continue
      if (ramUsed[h]! + vm.ramMb > params.ram_threshold * host.ramMb) continue
      const score = powerAt(models[h]!, (cpuUsed[h]! + cpu) / host.cpuMhz) - stalePower[h]!
      if (score < bestScore) {
        bestScore = score
        best = h
      }
    }
    if (best < 0) return undefined
    cpuUsed[best] = cpuUsed[best]! + cpu
    ramUsed[best] = ramUsed[best]! + vm.ramMb
    placement[vm.uuid] = hosts[best]!.name
  }
  return placement
}
