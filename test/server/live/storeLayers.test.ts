/** The store-backed live services on SQLite, and on PostgreSQL when NEAT_TEST_PG_URL is set. */
import { describe, it } from "vitest"
import { Store } from "../../../src/server/db/Store.js"
import { requireServerEnv } from "../../support/requireEnv.js"
import { storeLayersSuite } from "./storeLayers.js"

storeLayersSuite("SQLite", () => Store.layer("sqlite:///:memory:"))

const server = requireServerEnv("NEAT_TEST_PG_URL", "PostgreSQL store")
if (server.value === undefined) {
  describe.skip(`store-backed live services on PostgreSQL: ${server.skipReason}`, () => {
    it("needs NEAT_TEST_PG_URL", () => {})
  })
} else {
  const url = server.value
  storeLayersSuite("PostgreSQL", () =>
    Store.layer(url, {
      pgSchema: `neat_live_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`
    })
  )
}
