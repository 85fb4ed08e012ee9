/**
 * Carries out a plan over `Cloud`: wake the chosen hosts, migrate, then suspend the hosts that are
 * empty. Every failure becomes part of the outcome; nothing here fails or throws.
 */
import { Effect } from "effect"
import { Cloud } from "../Cloud.js"
import { describeError } from "../errors.js"
import type { MigrationOutcome, Plan } from "../Placement.js"
import { type ActionOutcome, migrationAction } from "./PlanAction.js"

export interface HostActionFailure {
  readonly host: string
  readonly reason: string
}

export interface PlanOutcome {
  readonly woken: ReadonlyArray<string>
  readonly wakeFailures: ReadonlyArray<HostActionFailure>
  readonly migrations: ReadonlyArray<MigrationOutcome>
  readonly suspended: ReadonlyArray<string>
  readonly suspendFailures: ReadonlyArray<HostActionFailure>
}

export const emptyOutcome: PlanOutcome = {
  woken: [],
  wakeFailures: [],
  migrations: [],
  suspended: [],
  suspendFailures: []
}

/** True when every step of the plan succeeded. */
export const outcomeSucceeded = (outcome: PlanOutcome): boolean =>
  outcome.wakeFailures.length === 0 &&
  outcome.suspendFailures.length === 0 &&
  outcome.migrations.every((migration) => migration._tag === "Migrated")

/** Called with each action's outcome as it lands (the intent log records it). */
export type ActionReport = (outcome: ActionOutcome) => Effect.Effect<void>

const noReport: ActionReport = () => Effect.void

/**
 * Executes `plan`; a host is suspended only when none of the VMs leaving it failed to migrate.
 * `report` hears each action's outcome as soon as it is known (a migration as it ends when the
 * cloud reports it so, else when the batch ends).
 */
export const executePlan = (plan: Plan, report: ActionReport = noReport): Effect.Effect<PlanOutcome, never, Cloud> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const woken: Array<string> = []
    const wakeFailures: Array<HostActionFailure> = []
    for (const host of plan.wake) {
      const result = yield* Effect.either(cloud.wakeHost(host))
      if (result._tag === "Right") {
        woken.push(host)
        yield* report({ action: { kind: "wake", host }, state: "done", detail: "woken" })
      } else {
        const reason = describeError(result.left)
        wakeFailures.push({ host, reason })
        yield* report({ action: { kind: "wake", host }, state: "failed", detail: reason })
      }
    }
    const asleep = new Set(wakeFailures.map((failure) => failure.host))
    const refused: Array<MigrationOutcome> = []
    const runnable = plan.migrations.filter((migration) => {
      if (!asleep.has(migration.to)) return true
      refused.push({ _tag: "MigrationFailed", migration, reason: `target host ${migration.to} did not wake` })
      return false
    })
    let migrated: ReadonlyArray<MigrationOutcome> = []
    // Outcomes the cloud reported as they landed; the rest are reported once the batch ends.
    const reported = new Set<MigrationOutcome>()
    const reportMigration = (outcome: MigrationOutcome) =>
      report(
        outcome._tag === "Migrated"
          ? { action: migrationAction(outcome.migration), state: "done", detail: `migrated in ${outcome.seconds} s` }
          : { action: migrationAction(outcome.migration), state: "failed", detail: outcome.reason }
      )
    if (runnable.length > 0) {
      const result = yield* Effect.either(
        report === noReport
          ? cloud.migrate(runnable)
          : cloud.migrate(runnable, (outcome) => {
              reported.add(outcome)
              return reportMigration(outcome)
            })
      )
      migrated =
        result._tag === "Right"
          ? result.right
          : runnable.map((migration) => ({
              _tag: "MigrationFailed" as const,
              migration,
              reason: describeError(result.left)
            }))
    }
    const migrations = [...refused, ...migrated]
    for (const outcome of migrations) {
      if (!reported.has(outcome)) yield* reportMigration(outcome)
    }
    const stillBusy = new Set(
      migrations.filter((outcome) => outcome._tag === "MigrationFailed").map((outcome) => outcome.migration.from)
    )
    const suspended: Array<string> = []
    const suspendFailures: Array<HostActionFailure> = []
    for (const host of plan.suspend) {
      const failed = (reason: string) => {
        suspendFailures.push({ host, reason })
        return report({ action: { kind: "suspend", host }, state: "failed", detail: reason })
      }
      if (stillBusy.has(host)) {
        yield* failed("a VM failed to leave the host")
        continue
      }
      const result = yield* Effect.either(cloud.suspendHost(host))
      if (result._tag === "Right") {
        suspended.push(host)
        yield* report({ action: { kind: "suspend", host }, state: "done", detail: "suspended" })
      } else {
        yield* failed(describeError(result.left))
      }
    }
    return { woken, wakeFailures, migrations, suspended, suspendFailures }
  })
