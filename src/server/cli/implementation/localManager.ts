/** What `neat local-manager` runs on: loaded by its handler, so that other commands and `--help` never load it. */
export { parseAlgorithmRef } from "../../../algorithms/catalogue/catalogue.js"
export { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
export { registryAlgorithmValidator } from "../../config/registryValidator.js"
export { runLocalManager } from "../../localManager/LocalManager.js"
export { loadCliConfig } from "../loadCliConfig.js"
