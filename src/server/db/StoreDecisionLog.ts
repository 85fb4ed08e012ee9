/**
 * The control loop's `DecisionLog` over the central store: decisions in the `decisions` table,
 * migrations in Neat's `vm_migrations`, power changes in `host_states`. A decision row keeps the
 * request, status, plan and execution (in its inputs and migrations columns), so decisions read back
 * whole. The log's interface has no error channel: a store failure is a defect naming the operation.
 */
import { Effect, Layer } from "effect"
import type { Decision, RecordedDecision } from "../../core/control/Decision.js"
import { DecisionLog, type DecisionLogApi } from "../../core/control/DecisionLog.js"
import type { PlanOutcome } from "../../core/control/PlanExecution.js"
import type { ReallocationRequest } from "../../core/control/ReallocationRequest.js"
import { describeError, UnknownHost } from "../../core/errors.js"
import type { Plan } from "../../core/Placement.js"
import { Store, type StoredDecision, type StoreService } from "./Store.js"

/** The decision row's `inputs`: the summary the API shows plus what `selectDecisions` needs back. */
interface DecisionInputs {
  readonly activeHosts: number
  readonly inactiveHosts: number
  readonly vmsToPlace: ReadonlyArray<string>
  readonly request: ReallocationRequest
  readonly status: Decision["status"]
  readonly detail: string
  readonly plan: Plan
  readonly receivedAtMs: number
  readonly startedAtMs: number
}

const orDie = <A, E extends { readonly _tag: string }>(operation: string, effect: Effect.Effect<A, E>) =>
  Effect.catchAll(effect, (error) => Effect.dieMessage(`store: ${operation} failed: ${describeError(error)}`))

/** Runs an operation that names a host; a host the store does not know yet is registered first. */
const withHost = <A, E extends { readonly _tag: string }>(
  store: StoreService,
  host: string,
  operation: () => Effect.Effect<A, E | UnknownHost>
) =>
  Effect.catchIf(
    operation(),
    (error): error is UnknownHost => error instanceof UnknownHost,
    () => Effect.zipRight(store.updateHost(host, 0, 0, 0), operation())
  )

const readDecision = (row: StoredDecision): RecordedDecision => {
  const inputs = row.inputs as DecisionInputs
  return {
    id: row.id,
    request: inputs.request,
    outcome: row.outcome as Decision["outcome"],
    status: inputs.status,
    detail: inputs.detail,
    inputs: { activeHosts: inputs.activeHosts, inactiveHosts: inputs.inactiveHosts, vmsToPlace: inputs.vmsToPlace },
    placement: (row.placement ?? {}) as Decision["placement"],
    plan: inputs.plan,
    execution: row.migrations as PlanOutcome,
    receivedAtMs: inputs.receivedAtMs,
    startedAtMs: inputs.startedAtMs,
    finishedAtMs: row.time.getTime(),
    timings: row.timings as Decision["timings"]
  }
}

/** Reads the newest `limit` rows page by page (the store pages newest first, 1000 at most). */
const newest = <A>(limit: number, page: (limit: number, offset: number) => Effect.Effect<ReadonlyArray<A>>) =>
  Effect.gen(function* () {
    const rows: Array<A> = []
    while (rows.length < limit) {
      const size = Math.min(1000, limit - rows.length)
      const batch = yield* page(size, rows.length)
      rows.push(...batch)
      if (batch.length < size) break
    }
    return rows.reverse()
  })

export const makeStoreDecisionLog = (store: StoreService): DecisionLogApi => ({
  insertDecision: (decision) => {
    const inputs: DecisionInputs = {
      ...decision.inputs,
      request: decision.request,
      status: decision.status,
      detail: decision.detail,
      plan: decision.plan,
      receivedAtMs: decision.receivedAtMs,
      startedAtMs: decision.startedAtMs
    }
    return orDie(
      "insert decision",
      store.insertDecision({
        time: new Date(decision.finishedAtMs),
        host: decision.request.host,
        reason: decision.request.reason,
        inputs,
        placement: decision.placement,
        migrations: decision.execution,
        outcome: decision.outcome,
        timings: decision.timings
      })
    )
  },
  insertVmMigration: (vm, host) =>
    orDie(
      "insert VM migration",
      withHost(store, host, () => store.insertVmMigration(vm, host))
    ),
  insertHostStates: (states) =>
    orDie(
      "insert host states",
      Effect.forEach(Object.keys(states), (host) =>
        withHost(store, host, () => store.insertHostStates({ [host]: states[host]! }))
      )
    ).pipe(Effect.asVoid),
  selectHostStates: orDie("select host states", store.selectHostStates()),
  selectDecisions: (limit) =>
    Effect.map(
      newest(limit, (size, offset) => orDie("list decisions", store.listDecisions({ limit: size, offset }))),
      (rows) => rows.map(readDecision)
    ),
  selectVmMigrations: (limit) =>
    Effect.map(
      newest(limit, (size, offset) => orDie("list migrations", store.listMigrations({ limit: size, offset }))),
      (rows) => rows.map((row) => ({ vm: row.vm, host: row.host, timestampMs: row.timestamp.getTime() }))
    )
})

/** `DecisionLog` backed by the `Store` service. */
export const storeDecisionLogLayer: Layer.Layer<DecisionLog, never, Store> = Layer.effect(
  DecisionLog,
  Effect.map(Store, makeStoreDecisionLog)
)
