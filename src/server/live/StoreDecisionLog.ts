/**
 * The control loop's `DecisionLog` over the central store: decisions in `decisions`, completed
 * migrations in Neat's `vm_migrations`, power changes in Neat's `host_states`. The log's operations
 * cannot fail (the control loop must go on), so a store error is logged and the write dropped; a
 * read that fails answers empty. A host the store does not know yet (its collector has not
 * registered it) is registered with unknown capacity (0) so nothing is lost. Reads page through the
 * store (which answers 1000 rows at most per query), and accept rows that keep the plan among the
 * inputs, as earlier versions wrote them.
 */
import { Effect, Layer } from "effect"
import type { Decision, RecordedDecision } from "../../core/control/Decision.js"
import {
  DecisionLog,
  type DecisionLogApi,
  type IntentLogApi,
  type UnfinishedDecision,
  type VmMigrationRecord
} from "../../core/control/DecisionLog.js"
import type { ActionOutcome, PlanAction } from "../../core/control/PlanAction.js"
import type { UnknownHost } from "../../core/errors.js"
import {
  type DecisionActionRow,
  type DecisionRecord,
  Store,
  type StoredDecision,
  type StoreService
} from "../db/Store.js"
import type { StoreError } from "../db/StoreError.js"

/** What the `inputs` column holds: the decision's inputs plus what the other columns do not. */
interface StoredInputs {
  readonly request: Decision["request"]
  readonly status: Decision["status"]
  readonly detail: string
  readonly inputs: Decision["inputs"]
  readonly receivedAtMs: number
  readonly startedAtMs: number
}

interface StoredMigrations {
  readonly plan: Decision["plan"]
  readonly execution: Decision["execution"]
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** A stored row back into a decision; undefined for a row another writer (or version) shaped differently. */
export const decisionFromRow = (row: StoredDecision): RecordedDecision | undefined => {
  const inputs = row.inputs
  const migrations = row.migrations
  if (!isObject(inputs) || !isObject(migrations) || !isObject(inputs.request)) return undefined
  const stored = inputs as unknown as StoredInputs
  // Earlier rows: the plan among the inputs, the execution alone in `migrations`, the input summary flat.
  const earlier = !isObject(migrations.plan) && isObject(inputs.plan)
  if (!earlier && !isObject(migrations.plan)) return undefined
  const moved: StoredMigrations = earlier
    ? { plan: inputs.plan as unknown as Decision["plan"], execution: migrations as unknown as Decision["execution"] }
    : (migrations as unknown as StoredMigrations)
  const summary: Decision["inputs"] = isObject(stored.inputs)
    ? stored.inputs
    : {
        activeHosts: Number(inputs.activeHosts ?? 0),
        inactiveHosts: Number(inputs.inactiveHosts ?? 0),
        vmsToPlace: Array.isArray(inputs.vmsToPlace) ? (inputs.vmsToPlace as Array<string>) : []
      }
  return {
    id: row.id,
    request: stored.request,
    outcome: row.outcome as Decision["outcome"],
    status: stored.status,
    detail: stored.detail,
    inputs: summary,
    placement: (isObject(row.placement) ? row.placement : {}) as Decision["placement"],
    plan: moved.plan,
    execution: moved.execution,
    receivedAtMs: stored.receivedAtMs,
    startedAtMs: stored.startedAtMs,
    finishedAtMs: row.time.getTime(),
    timings: row.timings as Decision["timings"]
  }
}

/** The store's largest page, rows. */
const storePage = 1000

/** The newest `limit` rows, oldest first, read page by page (the store pages newest first). */
const newest = <A>(
  limit: number,
  page: (limit: number, offset: number) => Effect.Effect<ReadonlyArray<A>, StoreError>
): Effect.Effect<Array<A>, StoreError> =>
  Effect.gen(function* () {
    const rows: Array<A> = []
    while (rows.length < limit) {
      const size = Math.min(storePage, limit - rows.length)
      const batch = yield* page(size, rows.length)
      rows.push(...batch)
      if (batch.length < size) break
    }
    return rows.reverse()
  })

const logged =
  <A>(operation: string, fallback: A) =>
  (effect: Effect.Effect<A, StoreError | UnknownHost>): Effect.Effect<A> =>
    effect.pipe(
      Effect.catchAll((error) =>
        Effect.logError(`decision log: ${operation} failed: ${error.message}`).pipe(Effect.as(fallback))
      )
    )

/** Runs a write naming a host; registers the host once if the store does not know it. */
const withHostRegistered = (
  store: StoreService,
  hosts: ReadonlyArray<string>,
  write: Effect.Effect<void, StoreError | UnknownHost>
): Effect.Effect<void, StoreError | UnknownHost> =>
  write.pipe(
    Effect.catchTag("UnknownHost", () =>
      Effect.forEach(
        hosts,
        (host) => Effect.catchTag(store.selectHostId(host), "UnknownHost", () => store.updateHost(host, 0, 0, 0)),
        {
          discard: true
        }
      ).pipe(Effect.zipRight(write))
    )
  )

/** A decision as the store's `decisions` row holds it. */
const decisionRecord = (decision: Decision): DecisionRecord => {
  const inputs: StoredInputs = {
    request: decision.request,
    status: decision.status,
    detail: decision.detail,
    inputs: decision.inputs,
    receivedAtMs: decision.receivedAtMs,
    startedAtMs: decision.startedAtMs
  }
  const migrations: StoredMigrations = { plan: decision.plan, execution: decision.execution }
  return {
    time: new Date(decision.finishedAtMs),
    host: decision.request.host,
    reason: decision.request.reason,
    inputs,
    placement: decision.placement,
    migrations,
    outcome: decision.outcome,
    timings: decision.timings
  }
}

const actionRow = (action: PlanAction, state: DecisionActionRow["state"], detail: string): DecisionActionRow =>
  action.kind === "migrate"
    ? { kind: "migrate", vm: action.vm, source: action.from, host: action.host, state, detail }
    : { kind: action.kind, host: action.host, state, detail }

const outcomeRow = (outcome: ActionOutcome): DecisionActionRow =>
  actionRow(outcome.action, outcome.state, outcome.detail)

const rowAction = (row: DecisionActionRow): PlanAction =>
  row.kind === "migrate"
    ? { kind: "migrate", vm: row.vm ?? "", from: row.source ?? "", host: row.host }
    : { kind: row.kind, host: row.host }

/** The intent log over the store; a write that fails is logged and answered as not recorded (0). */
const makeStoreIntentLog = (store: StoreService): IntentLogApi => ({
  begin: (decision, actions) =>
    store
      .beginDecision(
        decisionRecord(decision),
        actions.map((action) => actionRow(action, "pending", "planned"))
      )
      .pipe(logged("beginDecision", 0)),
  settle: (id, outcome) =>
    store.settleActions(id, [outcomeRow(outcome)]).pipe(Effect.asVoid, logged<void>("settleActions", undefined)),
  complete: (id, decision, outcomes) =>
    store
      .completeDecision(id, decisionRecord(decision), outcomes.map(outcomeRow))
      .pipe(Effect.as(id), logged("completeDecision", 0)),
  unfinished: store.listUnfinishedDecisions().pipe(
    Effect.mapError((error) => error.message),
    Effect.map((rows) =>
      rows.flatMap((row): Array<UnfinishedDecision> => {
        const decision = decisionFromRow(row.decision)
        if (decision === undefined) return []
        return [
          {
            decision,
            settled: row.actions
              .filter((action) => action.state !== "pending")
              .map((action) => ({
                action: rowAction(action),
                state: action.state === "done" ? "done" : "failed",
                detail: action.detail
              })),
            pending: row.actions.filter((action) => action.state === "pending").map(rowAction)
          }
        ]
      })
    )
  ),
  recordHostStates: (states) =>
    withHostRegistered(store, Object.keys(states), store.insertHostStates(states)).pipe(
      logged<void>("insertHostStates", undefined)
    )
})

export const makeStoreDecisionLog = (store: StoreService): DecisionLogApi => ({
  intents: makeStoreIntentLog(store),
  health: store.probe(),
  insertDecision: (decision) => store.insertDecision(decisionRecord(decision)).pipe(logged("insertDecision", 0)),
  insertVmMigration: (vm, host) =>
    withHostRegistered(store, [host], store.insertVmMigration(vm, host)).pipe(
      logged<void>("insertVmMigration", undefined)
    ),
  insertHostStates: (states) =>
    withHostRegistered(store, Object.keys(states), store.insertHostStates(states)).pipe(
      logged<void>("insertHostStates", undefined)
    ),
  selectHostStates: store.selectHostStates().pipe(logged<Readonly<Record<string, 0 | 1>>>("selectHostStates", {})),
  selectDecisions: (limit) =>
    newest(limit, (size, offset) => store.listDecisions({ limit: size, offset })).pipe(
      Effect.map((rows) =>
        rows.flatMap((row) => {
          const decision = decisionFromRow(row)
          return decision === undefined ? [] : [decision]
        })
      ),
      logged<ReadonlyArray<RecordedDecision>>("selectDecisions", [])
    ),
  selectVmMigrations: (limit) =>
    newest(limit, (size, offset) => store.listMigrations({ limit: size, offset })).pipe(
      Effect.map((rows) =>
        rows.map((row): VmMigrationRecord => ({ vm: row.vm, host: row.host, timestampMs: row.timestamp.getTime() }))
      ),
      logged<ReadonlyArray<VmMigrationRecord>>("selectVmMigrations", [])
    )
})

/** `DecisionLog` over the `Store` in context. */
export const StoreDecisionLog: Layer.Layer<DecisionLog, never, Store> = Layer.effect(
  DecisionLog,
  Effect.map(Store, makeStoreDecisionLog)
)
