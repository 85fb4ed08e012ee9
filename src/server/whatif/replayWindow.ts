/**
 * The what-if replay: the recorded VM use of a window, run through Neat's control core
 * (`controlStep`, the code the live managers run) with the given algorithms over the simulator's
 * cloud, with the recorded hosts (capacity, memory, power model) and VMs (capacity, memory),
 * starting from the recorded state: each VM on the host it ran on when the window began
 * (`recordedPlacement`; VMs whose host the store never recorded are placed by best fit), and the
 * hosts suspended then suspended.
 */
import { Effect } from "effect"
import type { HostType, VmType } from "../../adapters/sim/Datacenter.js"
import { makeSimCloud } from "../../adapters/sim/SimCloud.js"
import type { SimulationResult } from "../../adapters/sim/SimulationResult.js"
import {
  type ControlAlgorithms,
  type ControlOptions,
  controlStepSync,
  initialControlState
} from "../../core/control/ControlStep.js"
import { makeMemoryDecisionLog } from "../../core/control/DecisionLog.js"
import { ConfigError } from "../../core/errors.js"
import type { RecordedWindow } from "./RecordedWindow.js"
import { recordedPlacement } from "./recordedPlacement.js"
import { recordedTrace } from "./recordedTrace.js"

/** Network links of the replayed hosts and VMs, Mbit/s (CloudSim's PlanetLab values). */
const hostBandwidthMbps = 1000
const vmBandwidthMbps = 100

export const replayWindow = (
  window: RecordedWindow,
  algorithms: ControlAlgorithms,
  options: ControlOptions
): Effect.Effect<SimulationResult, ConfigError> =>
  Effect.gen(function* () {
    const trace = recordedTrace(window)
    // One type per host and per VM: host h gets type h mod n, VM v type floor(v / ceil(N / N)) = v.
    const hostTypes: Array<HostType> = window.hosts.map((host) => ({
      name: host.name,
      mhzPerCore: host.cores > 0 ? host.cpuMhz / host.cores : host.cpuMhz,
      cores: Math.max(1, host.cores),
      ramMb: host.ramMb,
      bandwidthMbps: hostBandwidthMbps,
      power: host.power
    }))
    const vmTypes: Array<VmType> = window.vms.map((vm) => ({
      name: vm.uuid,
      mhz: vm.capacityMhz,
      ramMb: vm.ramMb,
      bandwidthMbps: vmBandwidthMbps
    }))
    const { cloud, control } = yield* makeSimCloud({
      trace,
      hosts: window.hosts.length,
      hostTypes,
      vmTypes,
      initialPlacement: recordedPlacement(window).placement
    }).pipe(
      Effect.mapError((error) =>
        error.field === "initialPlacement"
          ? new ConfigError({
              field: "vm-capacity-mhz",
              message: `the recorded placement does not fit the assumed VM sizes (${error.message.replace(
                /host index (\d+)/,
                (text, h: string) => window.hosts[Number(h)]?.name ?? text
              )}): lower --vm-capacity-mhz or --vm-ram-mb`
            })
          : error
      )
    )
    // Hosts suspended when the window began start suspended, unless best fit put a VM there.
    const simulatedHosts = yield* Effect.orDie(cloud.hosts)
    for (const [h, host] of window.hosts.entries()) {
      const simulated = simulatedHosts[h]
      if (host.activeAtStart || simulated === undefined || simulated.vms.length > 0) continue
      yield* Effect.orDie(cloud.suspendHost(simulated.name))
    }
    const log = Effect.runSync(makeMemoryDecisionLog())
    let state = initialControlState(algorithms)
    while (Effect.runSync(control.advance)) {
      const step = controlStepSync(cloud, log, algorithms, state, options)
      // The simulated cloud always answers; a failed read would only skip the round.
      if (step._tag === "Right") state = step.right.state
    }
    return yield* control.result
  })
