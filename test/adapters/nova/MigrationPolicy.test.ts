import { assert, describe, it } from "vitest"
import {
  backoffBeforeSec,
  defaultMigrationPolicy,
  migrationPolicyProblems,
  migrationTimeoutSec
} from "../../../src/adapters/nova/MigrationPolicy.js"

describe("MigrationPolicy", () => {
  it("gives a deadline that grows with the VM's RAM and shrinks with the bandwidth", () => {
    const policy = { ...defaultMigrationPolicy, timeoutBaseSec: 60, timeoutFactor: 3, bandwidthMbPerSec: 10 }
    assert.strictEqual(migrationTimeoutSec(policy, 0), 60)
    assert.strictEqual(migrationTimeoutSec(policy, 1000), 60 + 300)
    assert.strictEqual(migrationTimeoutSec({ ...policy, bandwidthMbPerSec: 100 }, 1000), 60 + 30)
  })

  it("backs off exponentially from the second attempt", () => {
    const policy = { ...defaultMigrationPolicy, backoffSec: 5 }
    assert.deepStrictEqual(
      [1, 2, 3, 4].map((attempt) => backoffBeforeSec(policy, attempt)),
      [0, 5, 10, 20]
    )
  })

  it("names every unusable field", () => {
    assert.deepStrictEqual(migrationPolicyProblems(defaultMigrationPolicy), [])
    const problems = migrationPolicyProblems({
      ...defaultMigrationPolicy,
      maxConcurrent: 0,
      bandwidthMbPerSec: -1,
      retries: 1.5
    })
    assert.deepStrictEqual(
      problems.map((p) => p.field),
      ["max_concurrent_migrations", "network_migration_bandwidth", "migration_retries"]
    )
  })
})
