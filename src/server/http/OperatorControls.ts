/**
 * What operators change while the global manager runs: the mode, exclusions, maintenance, spare
 * hosts and migration cap (seeded from the settings, changed through `/v1`), and the end times of
 * the migrations executed recently, which the cap counts.
 */
import { Context, Effect, Layer } from "effect"
import { migrationsInWindow } from "../../core/control/MigrationCap.js"
import type { OperatorPolicy } from "../../core/control/OperatorPolicy.js"
import type { ControlMode } from "../../core/control/Reallocate.js"
import { GlobalManagerConfig, policyOf } from "./GlobalManagerOptions.js"

export interface OperatorControlsApi {
  readonly mode: Effect.Effect<ControlMode>
  readonly policy: Effect.Effect<OperatorPolicy>
  readonly update: (change: (policy: OperatorPolicy) => OperatorPolicy) => Effect.Effect<OperatorPolicy>
  /** Notes `count` migrations that ended at `atMs`. */
  readonly migrationsDone: (count: number, atMs: number) => Effect.Effect<void>
  /** Migrations within the cap's window before `nowMs`. */
  readonly recentMigrations: (nowMs: number) => Effect.Effect<number>
}

export class OperatorControls extends Context.Tag("neat/OperatorControls")<OperatorControls, OperatorControlsApi>() {
  static readonly layer: Layer.Layer<OperatorControls, never, GlobalManagerConfig> = Layer.effect(
    OperatorControls,
    Effect.map(GlobalManagerConfig, (config): OperatorControlsApi => {
      let policy = policyOf(config)
      let ends: Array<number> = []
      return {
        mode: Effect.succeed(config.control_mode),
        policy: Effect.sync(() => policy),
        update: (change) =>
          Effect.sync(() => {
            policy = change(policy)
            return policy
          }),
        migrationsDone: (count, atMs) =>
          Effect.sync(() => {
            for (let i = 0; i < count; i++) ends.push(atMs)
            // Keep only what the window can still count.
            const horizon = atMs - policy.migrationCapIntervalSec * 1000
            if (ends.length > 1024) ends = ends.filter((at) => at > horizon)
          }),
        recentMigrations: (nowMs) => Effect.sync(() => migrationsInWindow(ends, nowMs, policy.migrationCapIntervalSec))
      }
    })
  )
}
