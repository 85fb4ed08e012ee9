/**
 * The contract of a VM selection: from any VMs it returns some of them, each once; the same VMs
 * and state give the same selection; it changes neither; and its state survives JSON, since the
 * local manager stores it between decisions.
 */
import type { VmSample } from "../../core/Vm.js"
import type { VmSelector } from "../types.js"
import { selectionCallsArb } from "./arbitraries.js"
import {
  type AlgorithmProperty,
  algorithmProperty,
  callAlgorithm,
  copyInput,
  sameValue,
  showPair,
  snapshotOf,
  throughJson,
  violationAt
} from "./CheckProperty.js"
import { showValue } from "./CheckSubject.js"

type Calls = ReadonlyArray<ReadonlyArray<VmSample>>

/** One selection, checked to be `[UUIDs, state]`. */
const select = (selector: VmSelector, vms: ReadonlyArray<VmSample>, state: unknown, call: number) => {
  const result: unknown = callAlgorithm(call, "select", () => selector.select(vms, state))
  if (!Array.isArray(result) || result.length !== 2) {
    return violationAt(call, `select returned ${showValue(result)}, not [UUIDs, state]`)
  }
  const selected: unknown = result[0]
  if (!Array.isArray(selected) || !selected.every((uuid) => typeof uuid === "string")) {
    return violationAt(call, `select returned the selection ${showValue(selected)}, not an array of VM UUIDs`)
  }
  return result as unknown as readonly [ReadonlyArray<string>, unknown]
}

const total = algorithmProperty<VmSelector, Calls>(
  "total",
  "selects from any VMs (none to 10, CPU histories empty to long), state carried over, returning [UUIDs, state]",
  selectionCallsArb,
  (build, calls) => {
    const selector = build()
    let state = selector.initialState
    calls.forEach((vms, i) => {
      state = select(selector, copyInput(vms), state, i + 1)[1]
    })
  }
)

const members = algorithmProperty<VmSelector, Calls>(
  "members",
  "selects only VMs of its input, each at most once",
  selectionCallsArb,
  (build, calls) => {
    const selector = build()
    let state = selector.initialState
    calls.forEach((vms, i) => {
      const [selected, next] = select(selector, copyInput(vms), state, i + 1)
      const given = new Set(vms.map((vm) => vm.uuid))
      const seen = new Set<string>()
      for (const uuid of selected) {
        if (!given.has(uuid)) {
          const among = vms.length === 0 ? "no VMs were given" : `the VMs given are ${[...given].join(", ")}`
          violationAt(i + 1, `selected "${uuid}", which is not among its input (${among})`)
        }
        if (seen.has(uuid)) violationAt(i + 1, `selected "${uuid}" more than once`)
        seen.add(uuid)
      }
      state = next
    })
  }
)

const deterministic = algorithmProperty<VmSelector, Calls>(
  "deterministic",
  "the same VMs and state give the same selection and state",
  selectionCallsArb,
  (build, calls) => {
    const selector = build()
    let state = selector.initialState
    calls.forEach((vms, i) => {
      const first = select(selector, copyInput(vms), state, i + 1)
      const second = select(selector, copyInput(vms), state, i + 1)
      if (!sameValue(first, second)) {
        violationAt(i + 1, `select returned ${showPair(first)}, then ${showPair(second)} for the same VMs and state`)
      }
      state = first[1]
    })
  }
)

const leavesInputs = algorithmProperty<VmSelector, Calls>(
  "leaves-inputs",
  "changes neither the VMs nor the state it is given",
  selectionCallsArb,
  (build, calls) => {
    const selector = build()
    let state = selector.initialState
    calls.forEach((vms, i) => {
      const given = copyInput(vms)
      const before = snapshotOf(state)
      const [, next] = select(selector, given, state, i + 1)
      if (!sameValue(given, vms)) violationAt(i + 1, `select changed the VMs it was given to ${showValue(given)}`)
      const after = snapshotOf(state)
      if (before !== undefined && after !== undefined && !sameValue(before.value, after.value)) {
        violationAt(
          i + 1,
          `select changed the state it was given from ${showValue(before.value)} to ${showValue(after.value)}`
        )
      }
      state = next
    })
  }
)

const stateJson = algorithmProperty<VmSelector, Calls>(
  "state-json",
  "resumed from JSON.parse(JSON.stringify(state)), it selects the same VMs",
  selectionCallsArb,
  (build, calls) => {
    const kept = build()
    const resumed = build()
    let state = kept.initialState
    let stored = throughJson(resumed.initialState, "the initial state")
    calls.forEach((vms, i) => {
      const [selected, next] = select(kept, copyInput(vms), state, i + 1)
      const [resumedSelected, resumedNext] = select(resumed, copyInput(vms), stored, i + 1)
      if (!sameValue(selected, resumedSelected)) {
        violationAt(
          i + 1,
          `selected ${showValue(selected)} with the state it returned, ${showValue(state)}, ` +
            `but ${showValue(resumedSelected)} with that state read back from JSON, ${showValue(stored)}`
        )
      }
      state = next
      stored = throughJson(resumedNext, `the state returned by call ${i + 1}`)
    })
  }
)

/** Every property a VM selection is held to. */
export const selectionProperties: ReadonlyArray<AlgorithmProperty<VmSelector>> = [
  total,
  members,
  deterministic,
  leavesInputs,
  stateJson
]
