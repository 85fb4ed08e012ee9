/** What `neat db-clean` runs on: loaded by its handler, so that other commands and `--help` never load it. */
export { runDbCleaner } from "../../cleaner/DbCleaner.js"
export { Store } from "../../db/Store.js"
export { daemonLogging } from "../daemonLogging.js"
export { loadCliConfig } from "../loadCliConfig.js"
