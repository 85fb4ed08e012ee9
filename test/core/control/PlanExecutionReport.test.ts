/** `executePlan` reports each action's outcome once, as soon as it is known (the intent log records it). */
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Cloud, type CloudApi } from "../../../src/core/Cloud.js"
import type { ActionOutcome } from "../../../src/core/control/PlanAction.js"
import { executePlan } from "../../../src/core/control/PlanExecution.js"
import type { MigrationOutcome } from "../../../src/core/Placement.js"

const plan = {
  wake: ["h3"],
  migrations: [
    { vm: "a", from: "h1", to: "h2" },
    { vm: "b", from: "h1", to: "h3" }
  ],
  suspend: ["h1"]
}

const run = (events: Array<string>, cloud: Partial<CloudApi>) => {
  const report = (outcome: ActionOutcome) =>
    Effect.sync(() => {
      const action = outcome.action
      events.push(
        `${action.kind === "migrate" ? `migrate ${action.vm}` : `${action.kind} ${action.host}`}: ${outcome.state}`
      )
    })
  const layer = Layer.succeed(Cloud, {
    wakeHost: (host: string) => Effect.sync(() => void events.push(`cloud wake ${host}`)),
    suspendHost: (host: string) => Effect.sync(() => void events.push(`cloud suspend ${host}`)),
    ...cloud
  } as CloudApi)
  return Effect.runPromise(Effect.provide(executePlan(plan, report), layer)).then(() => events)
}

describe("executePlan's reports", () => {
  it("hears each migration as the cloud reports it, before the batch ends, and once", async () => {
    const events: Array<string> = []
    await run(events, {
      migrate: (migrations, onOutcome) =>
        Effect.gen(function* () {
          const outcomes: Array<MigrationOutcome> = []
          for (const migration of migrations) {
            const outcome: MigrationOutcome =
              migration.vm === "a"
                ? { _tag: "Migrated", migration, seconds: 6.5 }
                : { _tag: "MigrationFailed", migration, reason: "refused" }
            if (onOutcome !== undefined) yield* onOutcome(outcome)
            events.push(`cloud landed ${migration.vm}`)
            outcomes.push(outcome)
          }
          events.push("cloud batch ends")
          return outcomes
        })
    })
    expect(events).toEqual([
      "cloud wake h3",
      "wake h3: done",
      "migrate a: done",
      "cloud landed a",
      "migrate b: failed",
      "cloud landed b",
      "cloud batch ends",
      "suspend h1: failed"
    ])
  })

  it("hears the migrations when the batch ends from a cloud that does not report them", async () => {
    const events: Array<string> = []
    await run(events, {
      migrate: (migrations) =>
        Effect.sync(() => {
          events.push("cloud batch ends")
          return migrations.map((migration): MigrationOutcome => ({ _tag: "Migrated", migration, seconds: 1 }))
        })
    })
    expect(events).toEqual([
      "cloud wake h3",
      "wake h3: done",
      "cloud batch ends",
      "migrate a: done",
      "migrate b: done",
      "cloud suspend h1",
      "suspend h1: done"
    ])
  })
})
