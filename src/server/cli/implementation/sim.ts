/** What `neat sim` runs on: loaded by its handler, so that other commands and `--help` never load the simulator. */

export { fleetHostCount, fleetHostTypeOf, loadHostsFile } from "../../../adapters/sim/HostsFile.js"
export { writeReport } from "../../../adapters/sim/report/writeReport.js"
export { runSimulationEffect } from "../../../adapters/sim/runSimulation.js"
export { loadServerGroups } from "../../../adapters/sim/ServerGroupsFile.js"
export { simulationOptionsFromParams } from "../../../adapters/sim/simulationParams.js"
export { loadTrace } from "../../../adapters/sim/traces/loadTrace.js"
export { loadPlanetLab } from "../../../adapters/sim/traces/planetLab.js"
export { describeReadOptions, readOptionsFromFlags } from "../../../adapters/sim/traces/readOptions.js"
export { parseArrivalsSpec } from "../../../adapters/sim/traces/syntheticArrivals.js"
export { preloadAlgorithmRefs } from "../../../algorithms/catalogue/preload.js"
export { withDefaultSignals } from "../defaultSignals.js"
export { describeRunConfiguration, planSimRuns, runConfiguration } from "../simRuns.js"
