/**
 * Ctrl-C during a long simulation. Effect's runtime answers SIGINT and SIGTERM with listeners,
 * which only run when the event loop turns; a simulation is one synchronous stretch, so without
 * this the process would stop only at the end of the run. While the computation runs, the
 * signals' default action (the process ends at once) is restored: nothing is open then (the
 * trace is read and the report not yet written), so nothing is lost.
 */
import { Effect } from "effect"

const signals = ["SIGINT", "SIGTERM"] as const

export const withDefaultSignals = <A, E, R>(computation: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(() =>
      signals.map((signal) => {
        const listeners = process.listeners(signal)
        process.removeAllListeners(signal)
        return [signal, listeners] as const
      })
    ),
    () => computation,
    (saved) =>
      Effect.sync(() => {
        for (const [signal, listeners] of saved) for (const listener of listeners) process.on(signal, listener)
      })
  )
