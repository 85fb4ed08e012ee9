/** Placements, migrations and plans: what the global manager decides and the cloud carries out. */

/** VM UUID → name of the host chosen for it. */
export type Placement = Readonly<Record<string, string>>

export interface Migration {
  readonly vm: string
  readonly from: string
  readonly to: string
}

export type MigrationOutcome =
  | { readonly _tag: "Migrated"; readonly migration: Migration; readonly seconds: number }
  | { readonly _tag: "MigrationFailed"; readonly migration: Migration; readonly reason: string }

/** What one reallocation decided: the migrations to run, then the hosts to suspend and wake. */
export interface Plan {
  readonly migrations: ReadonlyArray<Migration>
  /** Hosts to wake before the migrations start (placement chose them). */
  readonly wake: ReadonlyArray<string>
  /** Hosts to suspend once the migrations are done (they are empty). */
  readonly suspend: ReadonlyArray<string>
}

export const emptyPlan: Plan = { migrations: [], wake: [], suspend: [] }
