/**
 * The simulated cloud as Neat's data collectors see it, shared by the `neat` policy and the live
 * stack on a simulated cloud so that both read exactly the same numbers:
 * - CPU histories in whole MHz (Neat's collector stores integers);
 * - a host's own use (hypervisor overhead) fixed for the interval, measured at the update as the
 *   host's total minus its VMs' latest samples, and its latest total equal to that own use plus the
 *   latest samples of the VMs it holds now. A collector that measures the host after a migration
 *   sees the VM's load on its new host; the simulator's history only moves at the next update.
 */
import { Effect } from "effect"
import type { CloudApi } from "../../../core/Cloud.js"
import type { SimCloudControlApi } from "../SimCloud.js"

/** The view's `Cloud`, and `advance`, which moves the simulated cloud and measures each host's own use. */
export interface NeatCloudView {
  readonly cloud: CloudApi
  readonly advance: Effect.Effect<boolean>
}

const truncate = (values: ReadonlyArray<number>): Array<number> => values.map((v) => Math.trunc(v))

export const makeNeatCloudView = (sim: CloudApi, control: SimCloudControlApi): NeatCloudView => {
  const ownMhz = new Map<string, number>()

  /** The latest whole-MHz sample of each VM on the host now. */
  const vmLoad = (vms: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      let sum = 0
      for (const uuid of vms) {
        const latest = yield* Effect.orDie(sim.vmCpuHistory(uuid, 1))
        if (latest.length > 0) sum += Math.trunc(latest[0]!)
      }
      return sum
    })

  const measureOwn = Effect.gen(function* () {
    ownMhz.clear()
    for (const host of yield* sim.hosts) {
      if (host.power !== "active") continue
      const total = yield* Effect.orDie(sim.hostCpuHistory(host.name, 1))
      if (total.length === 0) continue
      ownMhz.set(host.name, Math.max(0, Math.trunc(total[0]!) - (yield* vmLoad(host.vms))))
    }
  })

  const cloud: CloudApi = {
    ...sim,
    vmCpuHistory: (uuid, n) => Effect.map(sim.vmCpuHistory(uuid, n), truncate),
    hostCpuHistory: (name, n) =>
      Effect.gen(function* () {
        const history = truncate(yield* sim.hostCpuHistory(name, n))
        const own = ownMhz.get(name)
        if (history.length === 0 || own === undefined) return history
        const host = (yield* sim.hosts).find((h) => h.name === name)
        history[history.length - 1] = own + (yield* vmLoad(host?.vms ?? []))
        return history
      })
  }
  return {
    cloud,
    advance: Effect.flatMap(control.advance, (advanced) =>
      advanced ? Effect.as(Effect.orDie(measureOwn), true) : Effect.succeed(false)
    )
  }
}
