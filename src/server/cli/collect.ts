/** `neat collect`: the data collector of a compute host. */
import { Command, Options } from "@effect/cli"
import { Effect, Layer } from "effect"
import { Libvirt } from "../collector/Libvirt.js"
import { ProcStat } from "../collector/ProcStat.js"
import { runCollector } from "../collector/runCollector.js"
import { Store } from "../db/Store.js"
import { configOption, loadCliConfig } from "./configOption.js"
import { daemonLogging } from "./daemonLogging.js"

export const collectCommand = Command.make(
  "collect",
  {
    config: configOption,
    once: Options.boolean("once").pipe(
      Options.withDescription("run one collection and exit, resuming the counters of the previous run")
    )
  },
  ({ config, once }) =>
    Effect.gen(function* () {
      const settings = yield* loadCliConfig(config)
      const services = Layer.mergeAll(
        Store.layerConnection(settings.sqlConnection),
        Libvirt.virsh({ uri: settings.libvirtUri, command: settings.virshCommand }),
        ProcStat.file(settings.procStatPath)
      )
      const logging = yield* daemonLogging(settings, "data-collector.log")
      yield* runCollector(settings, { once }).pipe(Effect.provide(Layer.merge(services, logging)))
    })
).pipe(
  Command.withDescription(
    "Collect the CPU use of this host's VMs (libvirt) and of the host (/proc/stat) every data_collector_interval"
  )
)
