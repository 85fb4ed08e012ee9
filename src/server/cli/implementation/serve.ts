/**
 * What `neat serve` runs on: the HTTP server, the store and the clouds, loaded by the command's
 * handler (serve.ts), so that other commands and `--help` never load them.
 */

import type { Layer } from "effect"
import { Either, Option } from "effect"
import { parseStoreConnection, sqliteInMemory } from "../../../core/StoreConnection.js"
import type { NeatConfig } from "../../config/NeatConfig.js"
import { Store } from "../../db/Store.js"
import type { StoreError } from "../../db/StoreError.js"
import type { ServeFlags } from "../serve.js"

export { parseAlgorithmRef } from "../../../algorithms/catalogue/catalogue.js"
export { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
export { parseDisruptionBudget } from "../../../core/control/DisruptionBudget.js"
export { parseWindows } from "../../../core/control/MaintenanceWindows.js"
export { registryAlgorithmValidator } from "../../config/registryValidator.js"
export { storePlanBookLayer } from "../../db/StorePlanBook.js"
export { globalManagerLayer } from "../../http/GlobalManager.js"
export { logListening } from "../../http/listeningLog.js"
export { openStackConfigProblems } from "../../live/openStackCloud.js"
export { serveSimulated } from "../../simulated/serveSimulated.js"
export { loadCliConfig } from "../loadCliConfig.js"

/** The central store: `--sql-connection`, else the configuration's `sql_connection`, else a private in-memory one. */
export const serveStore = (flags: ServeFlags, config: NeatConfig | undefined): Layer.Layer<Store, StoreError> =>
  Option.match(flags.sqlConnection, {
    onSome: (connection) => Store.layer(connection),
    onNone: () => (config === undefined ? Store.layer("sqlite://") : Store.layerConnection(config.sqlConnection))
  })

/** Whether that store outlives the process (not SQLite in memory): `serve --mode sim` then records its run for `neat whatif`. */
export const storeOutlivesRun = (flags: ServeFlags, config: NeatConfig | undefined): boolean => {
  const connection = Option.match(flags.sqlConnection, {
    onSome: (text) => Either.getOrUndefined(parseStoreConnection(text)),
    onNone: () => config?.sqlConnection
  })
  return connection !== undefined && !(connection.dialect === "sqlite" && connection.path === sqliteInMemory)
}
