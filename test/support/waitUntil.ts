/** Helpers for tests that drive forked daemons with the TestClock. */
import { Effect, TestClock } from "effect"

/** Polls `condition` in real time (every 10 ms, up to 5 s) until it holds. */
export const waitUntil = <E, R>(condition: Effect.Effect<boolean, E, R>): Effect.Effect<void, E, R> =>
  Effect.gen(function* () {
    for (let tries = 0; tries < 500; tries++) {
      if (yield* condition) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
    }
    return yield* Effect.die(new Error("the condition did not hold within 5 s"))
  })

/** Waits until some fiber sleeps on the TestClock, so that moving the clock wakes it. */
export const waitForSleeper: Effect.Effect<void> = waitUntil(
  Effect.map(TestClock.sleeps(), (sleeps) => sleeps.length > 0)
)
