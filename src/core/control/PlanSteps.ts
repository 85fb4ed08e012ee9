/**
 * A plan as an operator reviews it: keyed actions, each naming the actions it must wait for
 * (`after`), in an order that keeps every dependency before its dependants. The recommendations of
 * one control interval are merged into one such plan, each request having been planned on the
 * cloud as the ones before it would leave it: no action appears twice, a host woken by one request
 * and suspended by another stays as it is, and a VM moved twice moves once to where it ends.
 */
import type { Migration, Plan } from "../Placement.js"
import type { PlanAction } from "./PlanAction.js"

export interface PlanStep {
  /** `wake:HOST`, `migrate:VM`, `suspend:HOST`: unique within a plan. */
  readonly key: string
  readonly action: PlanAction
  /** Keys of the actions that must be done first. */
  readonly after: ReadonlyArray<string>
}

export const wakeKey = (host: string): string => `wake:${host}`
export const suspendKey = (host: string): string => `suspend:${host}`
export const migrateKey = (vm: string): string => `migrate:${vm}`

/** The plan the steps carry out (the shape the executor and the fingerprint take). */
export const planOfSteps = (steps: ReadonlyArray<PlanStep>): Plan => {
  const migrations: Array<Migration> = []
  const wake: Array<string> = []
  const suspend: Array<string> = []
  for (const { action } of steps) {
    if (action.kind === "migrate") migrations.push({ vm: action.vm, from: action.from, to: action.host })
    else if (action.kind === "wake") wake.push(action.host)
    else suspend.push(action.host)
  }
  return { migrations, wake, suspend }
}

/** The steps of one request's plan (a merge into no plan). */
export const stepsOfPlan = (plan: Plan): ReadonlyArray<PlanStep> => mergeSteps([], plan)

interface Draft {
  action: PlanAction
  /** Dependencies that are not structural (a migration onto a host after those leaving it earlier). */
  extra: Set<string>
}

/**
 * `next` (planned on the cloud as `steps` would leave it) merged into `steps`. Structural
 * dependencies: a migration waits for the wake of its target, a suspend for every migration off
 * its host. A migration onto a host also waits for the migrations off that host merged before it
 * (the room it was planned into).
 */
export const mergeSteps = (steps: ReadonlyArray<PlanStep>, next: Plan): ReadonlyArray<PlanStep> => {
  const byKey = new Map(steps.map((step) => [step.key, step]))
  const drafts = new Map<string, Draft>()
  /** Keys of the migrations off each host, kept as drafts change. */
  const leaving = new Map<string, Set<string>>()
  const setDraft = (key: string, draft: Draft) => {
    const old = drafts.get(key)
    if (old?.action.kind === "migrate") leaving.get(old.action.from)?.delete(key)
    drafts.set(key, draft)
    if (draft.action.kind === "migrate") {
      const keys = leaving.get(draft.action.from) ?? new Set<string>()
      keys.add(key)
      leaving.set(draft.action.from, keys)
    }
  }
  const deleteDraft = (key: string): boolean => {
    const old = drafts.get(key)
    if (old === undefined) return false
    if (old.action.kind === "migrate") leaving.get(old.action.from)?.delete(key)
    return drafts.delete(key)
  }
  for (const step of steps) setDraft(step.key, { action: step.action, extra: new Set(extraOf(step, byKey)) })
  // Wakes and suspends that cancel out: the host stays as the cloud has it.
  for (const host of next.wake) {
    if (deleteDraft(suspendKey(host))) continue
    if (!drafts.has(wakeKey(host))) setDraft(wakeKey(host), { action: { kind: "wake", host }, extra: new Set() })
  }
  const woken = new Set(next.wake)
  for (const migration of next.migrations) {
    const key = migrateKey(migration.vm)
    const earlier = drafts.get(key)
    const from = earlier?.action.kind === "migrate" ? earlier.action.from : migration.from
    const room = [...(leaving.get(migration.to) ?? [])].filter((other) => other !== key)
    if (from === migration.to) {
      deleteDraft(key)
      continue
    }
    const extra = new Set([...(earlier?.extra ?? []), ...room])
    setDraft(key, { action: { kind: "migrate", vm: migration.vm, from, host: migration.to }, extra })
  }
  for (const host of next.suspend) {
    if (!woken.has(host) && deleteDraft(wakeKey(host))) continue
    if (!drafts.has(suspendKey(host)))
      setDraft(suspendKey(host), { action: { kind: "suspend", host }, extra: new Set() })
  }
  return ordered(drafts, leaving)
}

/** The non-structural dependencies a step carries (structural ones are recomputed on each merge). */
const extraOf = (step: PlanStep, byKey: ReadonlyMap<string, PlanStep>): ReadonlyArray<string> => {
  if (step.action.kind !== "migrate") return []
  const target = step.action.host
  return step.after.filter((key) => {
    const other = byKey.get(key)?.action
    return other?.kind === "migrate" && other.from === target
  })
}

/**
 * Wakes, then migrations, then suspends, each after what it depends on: a step whose dependencies
 * are not all placed waits and is placed as soon as they are (linear in steps and dependencies).
 */
const ordered = (
  drafts: ReadonlyMap<string, Draft>,
  leaving: ReadonlyMap<string, ReadonlySet<string>>
): ReadonlyArray<PlanStep> => {
  const after = new Map<string, Array<string>>()
  for (const [key, draft] of drafts) {
    const action = draft.action
    const deps: Array<string> = []
    if (action.kind === "migrate") {
      if (drafts.has(wakeKey(action.host))) deps.push(wakeKey(action.host))
      for (const other of draft.extra) if (drafts.has(other) && other !== key) deps.push(other)
    } else if (action.kind === "suspend") {
      deps.push(...(leaving.get(action.host) ?? []))
    }
    after.set(key, deps)
  }
  const rank = (action: PlanAction) => (action.kind === "wake" ? 0 : action.kind === "migrate" ? 1 : 2)
  const keys = [...drafts.keys()].sort((a, b) => rank(drafts.get(a)!.action) - rank(drafts.get(b)!.action))
  const missing = new Map<string, number>()
  const dependants = new Map<string, Array<string>>()
  for (const key of keys) {
    const deps = after.get(key)!
    missing.set(key, deps.length)
    for (const dep of deps) {
      const list = dependants.get(dep)
      if (list === undefined) dependants.set(dep, [key])
      else list.push(key)
    }
  }
  const placed = new Set<string>()
  const waiting = new Set<string>()
  const result: Array<PlanStep> = []
  const place = (key: string) => {
    placed.add(key)
    result.push({ key, action: drafts.get(key)!.action, after: after.get(key)! })
    for (const dependant of dependants.get(key) ?? []) {
      const left = missing.get(dependant)! - 1
      missing.set(dependant, left)
      if (left === 0 && waiting.delete(dependant)) place(dependant)
    }
  }
  for (const key of keys) {
    if (missing.get(key) === 0) place(key)
    else waiting.add(key)
  }
  // Left waiting: a cycle, which only migrations joined through the room they make can form; that
  // advisory dependency is dropped.
  for (const key of keys) {
    if (placed.has(key)) continue
    after.set(
      key,
      after.get(key)!.filter((dep) => placed.has(dep) || drafts.get(dep)?.action.kind !== "migrate")
    )
    waiting.delete(key)
    place(key)
  }
  return result
}

export interface StepSelection {
  /** The steps to carry out, in order. */
  readonly approved: ReadonlyArray<PlanStep>
  /** Steps left out, each with why: not chosen, or depending on one left out. */
  readonly skipped: ReadonlyArray<{ readonly step: PlanStep; readonly reason: string }>
  /** Keys asked for that the plan does not have. */
  readonly unknown: ReadonlyArray<string>
}

/**
 * The steps `chosen` approves (all when undefined); a step that depends on a skipped one is
 * skipped too, and says which.
 */
export const selectSteps = (
  steps: ReadonlyArray<PlanStep>,
  chosen: ReadonlyArray<string> | undefined
): StepSelection => {
  const known = new Set(steps.map((step) => step.key))
  const unknown = chosen === undefined ? [] : chosen.filter((key) => !known.has(key))
  const wanted = chosen === undefined ? known : new Set(chosen)
  const left = new Set<string>()
  const approved: Array<PlanStep> = []
  const skipped: Array<{ step: PlanStep; reason: string }> = []
  for (const step of steps) {
    if (!wanted.has(step.key)) {
      left.add(step.key)
      skipped.push({ step, reason: "not approved" })
      continue
    }
    const blocked = step.after.filter((dep) => left.has(dep))
    if (blocked.length > 0) {
      left.add(step.key)
      skipped.push({ step, reason: `depends on ${blocked.join(", ")}, which is skipped` })
      continue
    }
    approved.push(step)
  }
  return { approved, skipped, unknown }
}

/** True when the two plans touch a common host or VM. */
export const stepsConflict = (a: ReadonlyArray<PlanStep>, b: ReadonlyArray<PlanStep>): boolean => {
  const subjects = (steps: ReadonlyArray<PlanStep>) => {
    const names = new Set<string>()
    for (const { action } of steps) {
      names.add(`host:${action.host}`)
      if (action.kind === "migrate") {
        names.add(`host:${action.from}`)
        names.add(`vm:${action.vm}`)
      }
    }
    return names
  }
  const first = subjects(a)
  for (const name of subjects(b)) if (first.has(name)) return true
  return false
}
