/**
 * How live migrations are carried out: how many at once, how long one may take, how often a
 * failed one is tried again. Pure functions only; `MigrationExecutor` applies them.
 */
import type { BlockMigration } from "./Nova.js"

export interface MigrationPolicy {
  /** Migrations running at once in the whole cloud. */
  readonly maxConcurrent: number
  /** Migrations running at once that leave or enter one host (Nova's default is 1 per source). */
  readonly maxConcurrentPerHost: number
  /** network_migration_bandwidth: MB/s available to one migration. */
  readonly bandwidthMbPerSec: number
  /** Seconds every migration may take regardless of its size (scheduling, setup, switch-over). */
  readonly timeoutBaseSec: number
  /** Safety factor on the time copying the VM's RAM at `bandwidthMbPerSec` takes. */
  readonly timeoutFactor: number
  /** Extra attempts after a failure that left the VM active on its source host. */
  readonly retries: number
  /** Wait before the first retry, seconds; it doubles for each further retry. */
  readonly backoffSec: number
  /** Seconds between two looks at a migrating server. */
  readonly pollIntervalSec: number
  /** Nova's `block_migration` for os-migrateLive. */
  readonly blockMigration: BlockMigration
}

export const defaultMigrationPolicy: MigrationPolicy = {
  maxConcurrent: 4,
  maxConcurrentPerHost: 1,
  bandwidthMbPerSec: 10,
  timeoutBaseSec: 60,
  timeoutFactor: 3,
  retries: 2,
  backoffSec: 5,
  pollIntervalSec: 2,
  blockMigration: "auto"
}

/** The longest a migration of a VM with `ramMb` MB may take, seconds. */
export const migrationTimeoutSec = (policy: MigrationPolicy, ramMb: number): number =>
  policy.timeoutBaseSec + (policy.timeoutFactor * Math.max(0, ramMb)) / policy.bandwidthMbPerSec

/** The wait before attempt `attempt` (1 is the first, which does not wait), seconds. */
export const backoffBeforeSec = (policy: MigrationPolicy, attempt: number): number =>
  attempt <= 1 ? 0 : policy.backoffSec * 2 ** (attempt - 2)

/** Problems with a policy, one message per field; empty when it is usable. */
export const migrationPolicyProblems = (policy: MigrationPolicy): ReadonlyArray<{ field: string; message: string }> => {
  const problems: Array<{ field: string; message: string }> = []
  const positiveInteger = (field: string, value: number) => {
    if (!Number.isInteger(value) || value < 1)
      problems.push({ field, message: `must be a positive integer, got ${value}` })
  }
  const positive = (field: string, value: number) => {
    if (!Number.isFinite(value) || value <= 0)
      problems.push({ field, message: `must be a positive number, got ${value}` })
  }
  positiveInteger("max_concurrent_migrations", policy.maxConcurrent)
  positiveInteger("max_concurrent_migrations_per_host", policy.maxConcurrentPerHost)
  positive("network_migration_bandwidth", policy.bandwidthMbPerSec)
  positive("migration_timeout_base", policy.timeoutBaseSec)
  positive("migration_timeout_factor", policy.timeoutFactor)
  positive("migration_poll_interval", policy.pollIntervalSec)
  if (!Number.isInteger(policy.retries) || policy.retries < 0) {
    problems.push({ field: "migration_retries", message: `must be a non-negative integer, got ${policy.retries}` })
  }
  if (!Number.isFinite(policy.backoffSec) || policy.backoffSec < 0) {
    problems.push({ field: "migration_backoff", message: `must be a non-negative number, got ${policy.backoffSec}` })
  }
  return problems
}
