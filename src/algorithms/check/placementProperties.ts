/**
 * The contract of a VM placement, as the global manager relies on it: it places every VM or none,
 * only on the hosts it is given, never beyond a host's CPU or RAM threshold, the same way for the
 * same request and state, and changes neither.
 */
import type { Placement } from "../../core/Placement.js"
import type { PlacementHost, PlacementInput, VmPlacer } from "../types.js"
import { placementCallsArb } from "./arbitraries.js"
import { type AlgorithmProperty, violationAt } from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"
import { returnedPair, type StatefulCall } from "./StatefulCall.js"
import { deterministicProperty, leavesInputsProperty, outputProperty } from "./statefulProperties.js"

/** The share of each host's capacity a placement may fill. */
export interface PlacementLimits {
  /** Fraction of a host's CPU (MHz) it may reach. */
  readonly cpu: number
  /** Fraction of a host's memory (MB) it may reach. */
  readonly ram: number
  /** Whether woken (inactive) hosts are held to these fractions too; otherwise to their whole capacity. */
  readonly inactiveHostsToo: boolean
}

const fraction = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined

/**
 * The placer's own limits from its parameters: `cpu_threshold` and `ram_threshold` when given
 * (1.0, the whole capacity, otherwise), applied to woken hosts only with `threshold_inactive_hosts`.
 */
export const placementLimitsOf = (params: unknown): PlacementLimits => {
  const fields = typeof params === "object" && params !== null ? (params as Record<string, unknown>) : {}
  return {
    cpu: fraction(fields.cpu_threshold) ?? 1,
    ram: fraction(fields.ram_threshold) ?? 1,
    inactiveHostsToo: fields.threshold_inactive_hosts === true
  }
}

/** `place`, each result checked to be `[placement or undefined, state]` with a host name for each VM placed. */
const place: StatefulCall<VmPlacer, PlacementInput, Placement | undefined> = {
  verb: "place",
  input: "input",
  calls: placementCallsArb(false),
  invoke: (placer, input, state, call) => {
    const result = returnedPair(call, "place", "placement", () => placer.place(input, state))
    const placement = result[0]
    if (placement !== undefined) {
      if (typeof placement !== "object" || placement === null || Array.isArray(placement)) {
        return violationAt(call, `place returned ${showValue(placement)}, not a placement {VM UUID: host} or undefined`)
      }
      for (const [uuid, host] of Object.entries(placement)) {
        if (typeof host !== "string") violationAt(call, `place put VM "${uuid}" on ${showValue(host)}, not a host name`)
      }
    }
    return result as readonly [Placement | undefined, unknown]
  }
}

/** Whether a placement places anything: "none" is undefined, or `{}` as Neat returns when not every VM fits. */
const placesSome = (placement: Placement | undefined): placement is Placement =>
  placement !== undefined && Object.keys(placement).length > 0

/** Whether a placement that places anything places exactly the VMs it was given. */
const allOrNone = (placement: Placement | undefined, input: PlacementInput, call: number): void => {
  if (!placesSome(placement)) return
  const given = new Set(input.vms.map((vm) => vm.uuid))
  for (const uuid of Object.keys(placement)) {
    if (!given.has(uuid)) violationAt(call, `placed "${uuid}", which is not among the VMs given`)
  }
  const missing = input.vms.filter((vm) => !(vm.uuid in placement)).map((vm) => vm.uuid)
  if (missing.length > 0) {
    violationAt(
      call,
      `placed ${Object.keys(placement).length} of the ${input.vms.length} VMs, leaving out ${missing.join(", ")}`
    )
  }
}

/** Whether a placement uses only the hosts, active or inactive, it was given. */
const givenHostsOnly = (placement: Placement | undefined, input: PlacementInput, call: number): void => {
  const names = new Set([...input.hosts, ...input.inactiveHosts].map((host) => host.name))
  for (const [uuid, host] of Object.entries(placement ?? {})) {
    if (!names.has(host)) violationAt(call, `placed "${uuid}" on "${host}", which is not among the hosts given`)
  }
}

/** A little slack for sums of MHz and products with fractional thresholds. */
const tolerance = 1e-6

/** The first host a placement loads beyond its limit, in words, or undefined. */
const overfilled = (input: PlacementInput, placement: Placement, limits: PlacementLimits): string | undefined => {
  const demand = new Map(input.vms.map((vm) => [vm.uuid, vm] as const))
  const hosts: ReadonlyArray<readonly [PlacementHost, boolean]> = [
    ...input.hosts.map((host) => [host, true] as const),
    ...input.inactiveHosts.map((host) => [host, limits.inactiveHostsToo] as const)
  ]
  for (const [host, thresholded] of hosts) {
    const placed = Object.entries(placement).flatMap(([uuid, target]) => {
      const vm = demand.get(uuid)
      return target === host.name && vm !== undefined ? [vm] : []
    })
    if (placed.length === 0) continue
    const names = `${placed.map((vm) => vm.uuid).join(", ")} ${placed.length === 1 ? "needs" : "need"}`
    // Histories here are one value repeated, so a VM's demand is its (only) value.
    const cpu = placed.reduce((sum, vm) => sum + (vm.cpuMhz[0] ?? 0), 0)
    const ram = placed.reduce((sum, vm) => sum + vm.ramMb, 0)
    const cpuShare = thresholded ? limits.cpu : 1
    const ramShare = thresholded ? limits.ram : 1
    const cpuRoom = Math.max(0, cpuShare * host.cpuMhz - host.cpuUsedMhz)
    const ramRoom = Math.max(0, ramShare * host.ramMb - host.ramUsedMb)
    const limit = (share: number) => (share === 1 ? "its capacity" : `${share} of its capacity`)
    if (cpu > cpuRoom + tolerance) {
      return (
        `${names} ${cpu} MHz on "${host.name}" (${host.cpuMhz} MHz, ${host.cpuUsedMhz} in use), ` +
        `which has ${cpuRoom} MHz left below ${limit(cpuShare)}`
      )
    }
    if (ram > ramRoom + tolerance) {
      return (
        `${names} ${ram} MB on "${host.name}" (${host.ramMb} MB, ${host.ramUsedMb} in use), ` +
        `which has ${ramRoom} MB left below ${limit(ramShare)}`
      )
    }
  }
  return undefined
}

const withinThresholds = (limits: PlacementLimits) =>
  outputProperty(
    place,
    "within-thresholds",
    `never loads a host beyond its threshold: CPU ${limits.cpu}, RAM ${limits.ram} of capacity` +
      (limits.inactiveHostsToo ? "" : " (a woken host: its whole capacity)"),
    (placement, input, call) => {
      const problem = placesSome(placement) ? overfilled(input, placement, limits) : undefined
      if (problem !== undefined) violationAt(call, problem)
    },
    // Flat CPU histories: a VM's demand is then its one value, whatever the placer reads of it.
    placementCallsArb(true)
  )

/** Every property a VM placement is held to, with the limits its parameters set. */
export const placementProperties = (limits: PlacementLimits): ReadonlyArray<AlgorithmProperty<VmPlacer>> => [
  outputProperty(
    place,
    "total",
    "places any VMs on any hosts (active, inactive, overloaded), state carried over, returning [placement, state]",
    () => {}
  ),
  outputProperty(place, "all-or-none", "places every VM it is given, or none (undefined or {})", allOrNone),
  outputProperty(place, "given-hosts", "uses only the hosts it is given, active or inactive", givenHostsOnly),
  withinThresholds(limits),
  deterministicProperty(place, "the same hosts, VMs and state give the same placement and state"),
  leavesInputsProperty(place, "changes neither the hosts, the VMs nor the state it is given")
]
