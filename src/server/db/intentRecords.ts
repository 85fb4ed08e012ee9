/**
 * The intent log in the store: a decision that executes is written (outcome `executing`) with its
 * actions pending before the first action runs; each action is settled as it lands, together with
 * the completed migration (`vm_migrations`) or power change (`host_states`) it implies, in one
 * transaction; the decision's final form replaces the intent at the end. A crash leaves
 * `executing` decisions with pending actions, which the next start settles against the cloud.
 */
import type { Kysely } from "kysely"
import { decisionColumns, insertDecisionRow, readDecision } from "./decisionLog.js"
import type { DecisionActionRow, StoreService } from "./Store.js"
import { type Db, inBatches, registeredVmId, run, withNow } from "./storeQueries.js"
import type { StoreTables } from "./Tables.js"

export type IntentRecords = Pick<
  StoreService,
  "beginDecision" | "settleActions" | "completeDecision" | "listUnfinishedDecisions"
>

/** A host's row id, registering it with unknown capacity (0) when its collector has not yet. */
const registeredHostId = async (tx: Db, hostname: string): Promise<number> => {
  await tx
    .insertInto("hosts")
    .values({ hostname, cpu_mhz: 0, cpu_cores: 0, ram: 0 })
    .onConflict((oc) => oc.column("hostname").doNothing())
    .execute()
  const row = await tx.selectFrom("hosts").select("id").where("hostname", "=", hostname).executeTakeFirstOrThrow()
  return Number(row.id)
}

/**
 * Settles the pending actions among `outcomes` and records what the done ones changed; an action
 * already settled is left as it is (an outcome is recorded once). Returns how many were settled.
 */
const settle = async (
  tx: Db,
  decisionId: number,
  outcomes: ReadonlyArray<DecisionActionRow>,
  now: string
): Promise<number> => {
  let settled = 0
  for (const outcome of outcomes) {
    let update = tx
      .updateTable("decision_actions")
      .set({ state: outcome.state, detail: outcome.detail, updated_at: now })
      .where("decision_id", "=", decisionId)
      .where("kind", "=", outcome.kind)
      .where("state", "=", "pending")
    update =
      outcome.kind === "migrate" ? update.where("vm", "=", outcome.vm ?? "") : update.where("host", "=", outcome.host)
    const result = await update.executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) continue
    settled++
    if (outcome.state !== "done") continue
    const hostId = await registeredHostId(tx, outcome.host)
    if (outcome.kind === "migrate" && outcome.vm !== undefined) {
      const vmId = await registeredVmId(tx, outcome.vm)
      await tx.insertInto("vm_migrations").values({ vm_id: vmId, host_id: hostId, timestamp: now }).execute()
    } else if (outcome.kind !== "migrate") {
      const state = outcome.kind === "wake" ? 1 : 0
      await tx.insertInto("host_states").values({ host_id: hostId, state, timestamp: now }).execute()
    }
  }
  return settled
}

const readAction = (row: {
  readonly kind: string
  readonly vm: string | null
  readonly source: string | null
  readonly host: string
  readonly state: string
  readonly detail: string
}): DecisionActionRow => ({
  kind: row.kind === "migrate" ? "migrate" : row.kind === "wake" ? "wake" : "suspend",
  vm: row.vm ?? undefined,
  source: row.source ?? undefined,
  host: row.host,
  state: row.state === "done" ? "done" : row.state === "failed" ? "failed" : "pending",
  detail: row.detail
})

export const makeIntentRecords = (db: Kysely<StoreTables>): IntentRecords => ({
  beginDecision: (decision, actions) =>
    withNow("beginDecision", (now) =>
      db.transaction().execute(async (tx) => {
        const id = await insertDecisionRow(tx, decision)
        await inBatches(actions, async (chunk) => {
          await tx
            .insertInto("decision_actions")
            .values(
              chunk.map((action) => ({
                decision_id: id,
                kind: action.kind,
                vm: action.vm ?? null,
                source: action.source ?? null,
                host: action.host,
                state: "pending",
                detail: action.detail,
                updated_at: now
              }))
            )
            .execute()
        })
        return id
      })
    ),

  settleActions: (decisionId, outcomes) =>
    withNow("settleActions", (now) => db.transaction().execute((tx) => settle(tx, decisionId, outcomes, now))),

  completeDecision: (decisionId, decision, outcomes) =>
    withNow("completeDecision", (now) =>
      db.transaction().execute(async (tx) => {
        await settle(tx, decisionId, outcomes, now)
        const { time, outcome, inputs, placement, migrations, timings } = decisionColumns(decision)
        await tx
          .updateTable("decisions")
          .set({ time, outcome, inputs, placement, migrations, timings })
          .where("id", "=", decisionId)
          .execute()
      })
    ),

  listUnfinishedDecisions: () =>
    run("listUnfinishedDecisions", async () => {
      const decisions = await db
        .selectFrom("decisions")
        .selectAll()
        .where("outcome", "=", "executing")
        .orderBy("id")
        .execute()
      const result = []
      for (const row of decisions) {
        const actions = await db
          .selectFrom("decision_actions")
          .select(["kind", "vm", "source", "host", "state", "detail"])
          .where("decision_id", "=", row.id)
          .orderBy("id")
          .execute()
        result.push({ decision: readDecision(row), actions: actions.map(readAction) })
      }
      return result
    })
})
