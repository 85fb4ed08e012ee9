/**
 * Carries out a plan over `Cloud`: wake the chosen hosts, migrate, then suspend the hosts that are
 * empty. Every failure becomes part of the outcome; nothing here fails or throws.
 */
import { Effect } from "effect"
import { Cloud } from "../Cloud.js"
import { describeError } from "../errors.js"
import type { MigrationOutcome, Plan } from "../Placement.js"

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

/** Executes `plan`; a host is suspended only when none of the VMs leaving it failed to migrate. */
export const executePlan = (plan: Plan): Effect.Effect<PlanOutcome, never, Cloud> =>
  Effect.gen(function* () {
    const cloud = yield* Cloud
    const woken: Array<string> = []
    const wakeFailures: Array<HostActionFailure> = []
    for (const host of plan.wake) {
      const result = yield* Effect.either(cloud.wakeHost(host))
      if (result._tag === "Right") woken.push(host)
      else wakeFailures.push({ host, reason: describeError(result.left) })
    }
    const asleep = new Set(wakeFailures.map((failure) => failure.host))
    const refused: Array<MigrationOutcome> = []
    const runnable = plan.migrations.filter((migration) => {
      if (!asleep.has(migration.to)) return true
      refused.push({ _tag: "MigrationFailed", migration, reason: `target host ${migration.to} did not wake` })
      return false
    })
    let migrated: ReadonlyArray<MigrationOutcome> = []
    if (runnable.length > 0) {
      const result = yield* Effect.either(cloud.migrate(runnable))
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
    const stillBusy = new Set(
      migrations.filter((outcome) => outcome._tag === "MigrationFailed").map((outcome) => outcome.migration.from)
    )
    const suspended: Array<string> = []
    const suspendFailures: Array<HostActionFailure> = []
    for (const host of plan.suspend) {
      if (stillBusy.has(host)) {
        suspendFailures.push({ host, reason: "a VM failed to leave the host" })
        continue
      }
      const result = yield* Effect.either(cloud.suspendHost(host))
      if (result._tag === "Right") suspended.push(host)
      else suspendFailures.push({ host, reason: describeError(result.left) })
    }
    return { woken, wakeFailures, migrations, suspended, suspendFailures }
  })
