/**
 * A decision the store cannot record (the decision log answers id 0) is never answered with a 200:
 * the caller gets 503, and in recommend mode no plan is kept that could be neither approved nor
 * rejected.
 */
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { DecisionLog } from "../../../src/core/control/DecisionLog.js"
import { sha1Hex } from "../../../src/server/http/RequestSigning.js"
import { fourHostSetup } from "../../support/cloudFixtures.js"
import { type RunningGlobalManager, startGlobalManager } from "../../support/globalManager.js"
import { InMemoryCloud } from "../../support/InMemoryCloud.js"
import { call } from "../../support/signedCall.js"

/** The in-memory log whose store "fails" every decision, as StoreDecisionLog answers then. */
const failingLog = Layer.effect(
  DecisionLog,
  Effect.map(DecisionLog, (log) => ({ ...log, insertDecision: () => Effect.succeed(0) }))
).pipe(Layer.provide(DecisionLog.memory))

describe("a decision the store could not record", () => {
  let gm: RunningGlobalManager | undefined
  afterEach(async () => {
    await gm?.close()
    gm = undefined
  })

  it("is answered 503 on /v1 and on Neat's form PUT /, never 200 with id 0", async () => {
    gm = await startGlobalManager(new InMemoryCloud(fourHostSetup()), {}, undefined, undefined, failingLog)
    const signed = await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    expect(signed.status).toBe(503)
    expect((signed.body as { message: string }).message).toMatch(/could not be recorded: the store is unavailable/)
    const form = await fetch(`${gm.url}/`, {
      method: "PUT",
      body: new URLSearchParams({
        username: sha1Hex("admin"),
        password: sha1Hex("s3cret"),
        time: (Date.now() / 1000).toFixed(3),
        host: "h2",
        reason: "0"
      })
    })
    expect(form.status).toBe(503)
    expect(form.headers.get("retry-after")).toBe("1")
  })

  it("keeps no plan in recommend mode", async () => {
    gm = await startGlobalManager(
      new InMemoryCloud(fourHostSetup()),
      { control_mode: "recommend" },
      undefined,
      undefined,
      failingLog
    )
    const answer = await call(gm, "POST", "/v1/reallocations", { host: "h1", reason: "underload" })
    expect(answer.status).toBe(503)
    expect((answer.body as { message: string }).message).toMatch(/no plan was kept/)
    const plans = await call(gm, "GET", "/v1/plans")
    expect(plans.body).toEqual([])
  })
})
