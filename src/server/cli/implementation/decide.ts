/** What `neat decide` runs on: loaded by its handler, so that other commands and `--help` never load the algorithms. */
export { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
export { describeCaseError, runCases } from "../../../algorithms/decideCases.js"
