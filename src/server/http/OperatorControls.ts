/**
 * What operators change while the global manager runs: the mode, exclusions, maintenance, spare
 * hosts and migration cap (seeded from the settings, changed through `/v1`), and the end times of
 * the migrations executed recently, which the cap counts.
 */
import { Context, Effect, Layer } from "effect"
import type { OperatorPolicy } from "../../core/control/OperatorPolicy.js"
import type { ControlMode } from "../../core/control/Reallocate.js"
import { GlobalManagerConfig, policyOf } from "./GlobalManagerOptions.js"
import { RecentMigrations } from "./RecentMigrations.js"

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
      const recent = new RecentMigrations()
      return {
        mode: Effect.succeed(config.control_mode),
        policy: Effect.sync(() => policy),
        update: (change) =>
          Effect.sync(() => {
            policy = change(policy)
            return policy
          }),
        migrationsDone: (count, atMs) => Effect.sync(() => recent.add(count, atMs, policy.migrationCapIntervalSec)),
        recentMigrations: (nowMs) => Effect.sync(() => recent.count(nowMs, policy.migrationCapIntervalSec))
      }
    })
  )
}
