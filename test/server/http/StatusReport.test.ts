import { describe, expect, it } from "vitest"
import type { RecordedDecision } from "../../../src/core/control/Decision.js"
import { emptyOutcome } from "../../../src/core/control/PlanExecution.js"
import { emptyPlan } from "../../../src/core/Placement.js"
import { errorClasses, errorCountsOf } from "../../../src/server/http/StatusReport.js"

const decision = (id: number, overrides: Partial<RecordedDecision>): RecordedDecision => ({
  id,
  request: { host: "h1", reason: "overload", vmUuids: ["a"] },
  receivedAtMs: id * 1000,
  startedAtMs: id * 1000,
  finishedAtMs: id * 1000 + 10,
  outcome: "done",
  status: "planned",
  detail: "",
  inputs: { activeHosts: 1, inactiveHosts: 0, vmsToPlace: [] },
  placement: {},
  plan: emptyPlan,
  execution: emptyOutcome,
  timings: { snapshotMs: 0, placementMs: 0, executionMs: 0 },
  ...overrides
})

describe("errors by class", () => {
  it("reads neat_errors_total from the metrics text", () => {
    const text = [
      "# TYPE neat_errors_total counter",
      'neat_errors_total{type="Unauthorized"} 3',
      'neat_errors_total{type="migrationFailed"} 2',
      'neat_decisions_total{reason="underload",outcome="done"} 7'
    ].join("\n")
    expect([...errorCountsOf(text)]).toEqual([
      ["Unauthorized", 3],
      ["migrationFailed", 2]
    ])
  })

  it("joins the counts since start with the latest message of each class in the recent decisions", () => {
    const migration = { vm: "a", from: "h1", to: "h2" }
    const decisions = [
      decision(3, {
        outcome: "partial",
        execution: {
          ...emptyOutcome,
          migrations: [{ _tag: "MigrationFailed", migration, reason: "timed out after 60 s" }],
          wakeFailures: [{ host: "h4", reason: "no answer to Wake-on-LAN" }]
        }
      }),
      decision(2, { outcome: "failed", status: "cloudError", detail: "Nova answered 503" }),
      decision(1, {
        outcome: "partial",
        execution: { ...emptyOutcome, migrations: [{ _tag: "MigrationFailed", migration, reason: "older failure" }] }
      })
    ]
    const classes = errorClasses(
      new Map([
        ["Unauthorized", 5],
        ["migrationFailed", 2]
      ]),
      decisions
    )
    expect(classes).toEqual([
      { class: "Unauthorized", count: 5, recent: 0 },
      {
        class: "migrationFailed",
        count: 2,
        recent: 2,
        latest_message: "a h1 → h2: timed out after 60 s",
        latest_at_ms: 3010
      },
      { class: "cloudError", count: 0, recent: 1, latest_message: "Nova answered 503", latest_at_ms: 2010 },
      { class: "wakeFailed", count: 0, recent: 1, latest_message: "h4: no answer to Wake-on-LAN", latest_at_ms: 3010 }
    ])
  })
})
