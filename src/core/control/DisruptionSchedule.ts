/**
 * When Neat may disrupt hosts: blackouts, maintenance windows and the disruption budget.
 *
 * - In a blackout Neat migrates nothing and suspends nothing, in either mode: the plan's
 *   migrations and suspensions are held and the decision says so (status `blackout`). An
 *   overload's wakes still run: a wake moves no VM and disrupts no tenant, it only adds capacity
 *   (Nova can place new VMs there, and the held migrations find their target awake when the
 *   blackout ends), as Karpenter's budgets limit disruption, never provisioning.
 * - When maintenance windows are defined, Neat executes plans only while one is open; outside
 *   them every plan is recorded as a recommendation (as in recommend mode) for an operator to
 *   approve or reject. A blackout overrides an open maintenance window.
 * - The budget caps the hosts in disruption at once, always (`DisruptionBudget`).
 */

import type { DisruptionBudget } from "./DisruptionBudget.js"
import type { PlanningResult } from "./GlobalPlanning.js"
import {
  occurrenceAt,
  type TimeWindow,
  type WindowOccurrence,
  type WindowsState,
  windowsAt
} from "./MaintenanceWindows.js"

export interface DisruptionSchedule {
  readonly blackouts: ReadonlyArray<TimeWindow>
  readonly maintenanceWindows: ReadonlyArray<TimeWindow>
  /** Undefined: no budget. */
  readonly budget: DisruptionBudget | undefined
}

export const noSchedule: DisruptionSchedule = { blackouts: [], maintenanceWindows: [], budget: undefined }

/** Whether the schedule restricts anything (else planning skips it entirely). */
export const restricts = (schedule: DisruptionSchedule): boolean =>
  schedule.blackouts.length > 0 || schedule.maintenanceWindows.length > 0 || schedule.budget !== undefined

/** `2026-12-08 18:00Z`: minutes are the windows' resolution. */
export const formatInstant = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`

/** The blackout open at `nowMs` that closes last, or undefined. */
export const activeBlackout = (schedule: DisruptionSchedule, nowMs: number): WindowOccurrence | undefined => {
  let found: WindowOccurrence | undefined
  for (const window of schedule.blackouts) {
    const open = occurrenceAt(window, nowMs)
    if (open !== undefined && (found === undefined || open.endMs > found.endMs)) found = open
  }
  return found
}

/** True when maintenance windows are defined and none is open at `nowMs`. */
export const outsideMaintenance = (schedule: DisruptionSchedule, nowMs: number): boolean =>
  schedule.maintenanceWindows.length > 0 &&
  schedule.maintenanceWindows.every((window) => occurrenceAt(window, nowMs) === undefined)

/** Why an execution is turned into a recommendation outside the maintenance windows. */
export const outsideMaintenanceDetail = (schedule: DisruptionSchedule, nowMs: number): string => {
  const next = windowsAt(schedule.maintenanceWindows, nowMs).next
  return `outside the maintenance windows${next === undefined ? "" : ` (the next opens ${formatInstant(next.startMs)})`}: recommended for approval`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** The plan with its migrations and suspensions held by `blackout`; an overload's wakes stay. */
export const holdDuringBlackout = (
  result: PlanningResult,
  reason: "underload" | "overload",
  blackout: WindowOccurrence
): PlanningResult => {
  const { migrations, suspend, wake } = result.plan
  if (migrations.length + suspend.length === 0) return result
  const held = [
    ...(migrations.length > 0 ? [plural(migrations.length, "migration")] : []),
    ...(suspend.length > 0 ? [plural(suspend.length, "suspension")] : [])
  ].join(" and ")
  const kept = reason === "overload" ? wake : []
  const woken = kept.length > 0 ? `; waking ${kept.join(", ")} so that capacity is ready` : ""
  return {
    ...result,
    status: "blackout",
    detail: `blackout '${blackout.window.text}' until ${formatInstant(blackout.endMs)}: ${held} held${woken} (${result.detail})`,
    plan: { migrations: [], wake: kept, suspend: [] }
  }
}

/** The schedule as operators see it at `nowMs`: what is open, what opens next. */
export interface ScheduleState {
  readonly blackouts: WindowsState
  readonly maintenance: WindowsState
  /** True when plans execute now as far as windows go (no blackout; a maintenance window open or none defined). */
  readonly disruptionAllowed: boolean
}

export const scheduleState = (schedule: DisruptionSchedule, nowMs: number): ScheduleState => {
  const blackouts = windowsAt(schedule.blackouts, nowMs)
  const maintenance = windowsAt(schedule.maintenanceWindows, nowMs)
  return {
    blackouts,
    maintenance,
    disruptionAllowed:
      blackouts.open.length === 0 && (schedule.maintenanceWindows.length === 0 || maintenance.open.length > 0)
  }
}
