import { Effect, Layer } from "effect"
import { assert, describe, it } from "vitest"
import { OpenStackHttpError, OpenStackTransportError } from "../../../src/adapters/nova/errors.js"
import { type MigrationRequest, makeMigrationExecutor } from "../../../src/adapters/nova/MigrationExecutor.js"
import { MigrationLog, makeInMemoryMigrationLog } from "../../../src/adapters/nova/MigrationLog.js"
import { defaultMigrationPolicy, type MigrationPolicy } from "../../../src/adapters/nova/MigrationPolicy.js"
import { Nova } from "../../../src/adapters/nova/Nova.js"
import type { MigrationOutcome } from "../../../src/core/Placement.js"
import { type MigrationScript, scriptedNova } from "../../support/scriptedNova.js"

const fast: MigrationPolicy = {
  ...defaultMigrationPolicy,
  pollIntervalSec: 0.005,
  backoffSec: 0.005,
  retries: 2,
  timeoutBaseSec: 5,
  maxConcurrent: 4,
  maxConcurrentPerHost: 1
}
const request = { method: "POST", url: "http://127.0.0.1:8774/v2.1/servers/a/action" }

const run = async (
  servers: Record<string, { host: string; ram: number }>,
  scriptFor: (vm: string, attempt: number) => MigrationScript,
  requests: ReadonlyArray<MigrationRequest>,
  policy: MigrationPolicy = fast
) => {
  const nova = scriptedNova(servers, scriptFor)
  const log = await Effect.runPromise(makeInMemoryMigrationLog)
  const outcomes: ReadonlyArray<MigrationOutcome> = await Effect.runPromise(
    Effect.flatMap(makeMigrationExecutor(policy), (executor) => executor.run(requests)).pipe(
      Effect.provide(Layer.mergeAll(Layer.succeed(Nova, nova.api), Layer.succeed(MigrationLog, log)))
    )
  )
  const attempts = await Effect.runPromise(log.attempts)
  return { nova, outcomes, attempts }
}

const one = { a: { host: "h1", ram: 1024 } }
const aToH2: MigrationRequest = { vm: "a", from: "h1", to: "h2", ramMb: 1024 }

describe("MigrationExecutor", () => {
  it("reports a migration that ends active on the target as migrated, with one attempt recorded", async () => {
    const { outcomes, attempts, nova } = await run(one, () => ({ kind: "complete", polls: 3 }), [aToH2])
    assert.strictEqual(outcomes[0]?._tag, "Migrated")
    assert.strictEqual(nova.hostOf("a"), "h2")
    assert.deepStrictEqual(
      attempts.map((a) => [a.attempt, a.result, a.lastHost]),
      [[1, "migrated", "h2"]]
    )
  })

  it("does not take ACTIVE for success: a rollback to the source is retried, then reported", async () => {
    const { outcomes, attempts, nova } = await run(one, () => ({ kind: "rollback", polls: 2 }), [aToH2])
    assert.strictEqual(outcomes[0]?._tag, "MigrationFailed")
    if (outcomes[0]?._tag === "MigrationFailed") {
      assert.match(outcomes[0].reason, /Nova reported migration \d+ as error/)
      assert.match(outcomes[0].reason, /after 3 attempts/)
    }
    assert.strictEqual(nova.posts.get("a"), 3, "the first attempt and two retries")
    assert.deepStrictEqual(
      attempts.map((a) => a.result),
      ["retryable", "retryable", "retryable"]
    )
  })

  it("succeeds on a retry after a rollback", async () => {
    const { outcomes, attempts } = await run(
      one,
      (_, attempt) => (attempt === 1 ? { kind: "rollback", polls: 1 } : { kind: "complete", polls: 1 }),
      [aToH2]
    )
    assert.strictEqual(outcomes[0]?._tag, "Migrated")
    assert.deepStrictEqual(
      attempts.map((a) => a.result),
      ["retryable", "migrated"]
    )
  })

  it("never retries a VM that ends in ERROR", async () => {
    const { outcomes, nova, attempts } = await run(one, () => ({ kind: "error", polls: 1 }), [aToH2])
    assert.strictEqual(outcomes[0]?._tag, "MigrationFailed")
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /ERROR on h1/)
    assert.strictEqual(nova.posts.get("a"), 1)
    assert.deepStrictEqual(
      attempts.map((a) => [a.result, a.lastStatus]),
      [["vm-error", "ERROR"]]
    )
  })

  it("never retries a VM that ends on an unexpected host, and says where it is", async () => {
    const { outcomes, nova } = await run(one, () => ({ kind: "elsewhere", polls: 1, host: "h9" }), [aToH2])
    assert.strictEqual(nova.posts.get("a"), 1)
    assert.strictEqual(outcomes[0]?._tag, "MigrationFailed")
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /on h9, neither h1 nor h2/)
  })

  it("gives up at the deadline of a migration that never finishes, without retrying", async () => {
    const policy = { ...fast, timeoutBaseSec: 0.05, timeoutFactor: 0.0001 }
    const { outcomes, nova, attempts } = await run(one, () => ({ kind: "hang" }), [aToH2], policy)
    assert.strictEqual(nova.posts.get("a"), 1)
    assert.deepStrictEqual(
      attempts.map((a) => [a.result, a.lastStatus, a.lastHost]),
      [["timed-out", "MIGRATING", "h1"]]
    )
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /last seen MIGRATING on h1/)
    // The stuck migration is aborted through Nova, and the VM stays on its source.
    assert.deepStrictEqual(nova.aborts, [{ vm: "a", migrationId: 1 }])
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /asked Nova to abort migration 1/)
    assert.strictEqual(nova.hostOf("a"), "h1")
  })

  it("retries a 409 (server busy) and a 5xx on the POST, bounded", async () => {
    const busy = new OpenStackHttpError({
      request,
      status: 409,
      kind: "conflictingRequest",
      message: "task_state migrating"
    })
    const fault = new OpenStackHttpError({ request, status: 500, kind: "computeFault", message: "boom" })
    const { outcomes, attempts } = await run(
      one,
      (_, attempt) =>
        attempt === 1
          ? { kind: "reject", error: busy }
          : attempt === 2
            ? { kind: "reject", error: fault }
            : { kind: "complete", polls: 1 },
      [aToH2]
    )
    assert.strictEqual(outcomes[0]?._tag, "Migrated")
    assert.deepStrictEqual(
      attempts.map((a) => a.result),
      ["retryable", "retryable", "migrated"]
    )
  })

  it("does not send a migration twice when the answer to the first POST was lost but it started", async () => {
    const reset = new OpenStackTransportError({ request, reason: "connection", message: "ECONNRESET" })
    const { outcomes, nova } = await run(
      one,
      () => ({ kind: "lost-answer", error: reset, afterwards: { kind: "complete", polls: 2 } }),
      [aToH2]
    )
    assert.strictEqual(outcomes[0]?._tag, "Migrated")
    assert.strictEqual(nova.posts.get("a"), 1)
  })

  it("fails at once, without retrying, on a request Nova refuses for good", async () => {
    const bad = new OpenStackHttpError({ request, status: 400, kind: "badRequest", message: "Invalid input" })
    const { outcomes, nova } = await run(one, () => ({ kind: "reject", error: bad }), [aToH2])
    assert.strictEqual(nova.posts.get("a"), 1)
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /400 badRequest: Invalid input/)
  })

  it("reports an unknown VM as a failed outcome, keeping the others running", async () => {
    const { outcomes } = await run(one, () => ({ kind: "complete", polls: 1 }), [
      { vm: "ghost", from: "h1", to: "h2", ramMb: 512 },
      aToH2
    ])
    assert.deepStrictEqual(
      outcomes.map((o) => o._tag),
      ["MigrationFailed", "Migrated"]
    )
    if (outcomes[0]?._tag === "MigrationFailed") assert.match(outcomes[0].reason, /no server ghost/)
  })

  it("keeps within the global and per-host concurrency limits", async () => {
    const servers = {
      a: { host: "h1", ram: 512 },
      b: { host: "h1", ram: 512 },
      c: { host: "h3", ram: 512 },
      d: { host: "h5", ram: 512 },
      e: { host: "h7", ram: 512 }
    }
    const requests: ReadonlyArray<MigrationRequest> = [
      { vm: "a", from: "h1", to: "h2", ramMb: 512 },
      { vm: "b", from: "h1", to: "h9", ramMb: 512 },
      { vm: "c", from: "h3", to: "h4", ramMb: 512 },
      { vm: "d", from: "h5", to: "h6", ramMb: 512 },
      { vm: "e", from: "h7", to: "h8", ramMb: 512 }
    ]
    const policy = { ...fast, maxConcurrent: 2, maxConcurrentPerHost: 1 }
    const { outcomes, nova } = await run(servers, () => ({ kind: "complete", polls: 5 }), requests, policy)
    assert.isTrue(outcomes.every((o) => o._tag === "Migrated"))
    assert.strictEqual(nova.maxInFlight(), 2)
    assert.strictEqual(nova.maxInFlightPerHost(), 1)
  })
})
