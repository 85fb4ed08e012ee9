/**
 * The contract of a VM selection: from any VMs it returns some of them, each once; the same VMs
 * and state give the same selection; it changes neither; and its state survives JSON, since the
 * local manager stores it between decisions.
 */
import type { VmSample } from "../../core/Vm.js"
import type { VmSelector } from "../types.js"
import { selectionCallsArb } from "./arbitraries.js"
import { type AlgorithmProperty, violationAt } from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"
import { returnedPair, type StatefulCall } from "./StatefulCall.js"
import { deterministicProperty, leavesInputsProperty, outputProperty, stateJsonProperty } from "./statefulProperties.js"

/** `select`, each result checked to be `[UUIDs, state]`. */
const select: StatefulCall<VmSelector, ReadonlyArray<VmSample>, ReadonlyArray<string>> = {
  verb: "select",
  input: "VMs",
  calls: selectionCallsArb,
  invoke: (selector, vms, state, call) => {
    const result = returnedPair(call, "select", "UUIDs", () => selector.select(vms, state))
    const selected = result[0]
    if (!Array.isArray(selected) || !selected.every((uuid) => typeof uuid === "string")) {
      return violationAt(call, `select returned the selection ${showValue(selected)}, not an array of VM UUIDs`)
    }
    return result as readonly [ReadonlyArray<string>, unknown]
  }
}

/** Whether a selection picks only VMs it was given, each once. */
const onlyGivenOnce = (selected: ReadonlyArray<string>, vms: ReadonlyArray<VmSample>, call: number): void => {
  const given = new Set(vms.map((vm) => vm.uuid))
  const seen = new Set<string>()
  for (const uuid of selected) {
    if (!given.has(uuid)) {
      const among = vms.length === 0 ? "no VMs were given" : `the VMs given are ${[...given].join(", ")}`
      violationAt(call, `selected "${uuid}", which is not among its input (${among})`)
    }
    if (seen.has(uuid)) violationAt(call, `selected "${uuid}" more than once`)
    seen.add(uuid)
  }
}

/** Every property a VM selection is held to. */
export const selectionProperties: ReadonlyArray<AlgorithmProperty<VmSelector>> = [
  outputProperty(
    select,
    "total",
    "selects from any VMs (none to 10, CPU histories empty to long), state carried over, returning [UUIDs, state]",
    () => {}
  ),
  outputProperty(select, "members", "selects only VMs of its input, each at most once", onlyGivenOnce),
  deterministicProperty(select, "the same VMs and state give the same selection and state"),
  leavesInputsProperty(select, "changes neither the VMs nor the state it is given"),
  stateJsonProperty(select, "selected", "resumed from JSON.parse(JSON.stringify(state)), it selects the same VMs")
]
