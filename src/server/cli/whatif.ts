/**
 * `neat whatif`: replays the utilisation recorded in the store over a window through Neat's
 * control core on the simulated cloud, with the configured algorithms (or others named on the
 * command line), and shows the outcome beside what actually happened, both measured by one
 * definition of every metric (`whatif/windowResult.ts`), in one table and in `neat sim`'s HTML report.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import type { AlgorithmFamily } from "../../algorithms/registry.js"
import { ConfigError } from "../../core/errors.js"
import type { AlgorithmSpec } from "../config/AlgorithmSpec.js"
import { configOption } from "./configOption.js"
import { loadedDefaultWiring, loadWiring, type WiringSource } from "./wiringSource.js"

/** The store, the replay and the rest of what the command runs on, loaded only when it runs. */
const implementation = Effect.promise(() => import("./implementation/whatif.js"))

const units: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 }

/** "24h", "90m", "3600s", "2d" → seconds. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim())
  return match === null ? undefined : Number(match[1]) * units[match[2]!]!
}

const override = (name: string, role: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("NAME[:PARAMS]"),
    Options.optional,
    Options.withDescription(
      `${role} algorithm instead of the configured one: NAME[:NUMBER|:JSON] or a user's MODULE#EXPORT[:NUMBER|:JSON]`
    )
  )

export const whatifFlags = {
  config: configOption,
  since: Options.text("since").pipe(
    Options.withPseudoName("DURATION"),
    Options.withDefault("24h"),
    Options.withDescription("the window replayed, up to --until: 24h, 90m, 2d, 3600s, ...")
  ),
  until: Options.text("until").pipe(
    Options.withPseudoName("TIME"),
    Options.optional,
    Options.withDescription(
      "end of the window, an ISO-8601 time such as 2026-12-01T12:00:00Z (default: now; neat serve --mode sim logs the one of its run)"
    )
  ),
  underload: override("underload", "underload detection"),
  overload: override("overload", "overload detection"),
  selection: override("selection", "VM selection"),
  placement: override("placement", "VM placement"),
  vmCapacityMhz: Options.float("vm-capacity-mhz").pipe(
    Options.withPseudoName("MHZ"),
    Options.withDefault(1000),
    Options.withDescription("CPU capacity of each VM, MHz (the store does not record it)")
  ),
  vmRamMb: Options.float("vm-ram-mb").pipe(
    Options.withPseudoName("MB"),
    Options.withDefault(1024),
    Options.withDescription("memory of each VM, MB (the store does not record it)")
  ),
  report: Options.file("report").pipe(
    Options.withPseudoName("FILE"),
    Options.optional,
    Options.withDescription("write the HTML report here")
  )
}

export const makeWhatifCommand = (wiringSource: WiringSource) =>
  Command.make("whatif", whatifFlags, (flags) =>
    Effect.gen(function* () {
      const wiring = yield* loadWiring(wiringSource)
      const {
        defaultPlanningOptions,
        formatComparison,
        hpProLiantMl110G5,
        loadCliConfig,
        openDatabase,
        parseAlgorithmRef,
        preloadAlgorithmRefs,
        readRecordedWindow,
        recordedPlacement,
        meanOwnUseMhz,
        replayWindow,
        unplacedUse,
        windowResult,
        writeReport
      } = yield* implementation
      const settings = yield* loadCliConfig(flags.config)
      const windowSec = parseDuration(flags.since)
      if (windowSec === undefined || windowSec <= 0) {
        return yield* new ConfigError({
          field: "since",
          message: `expected a duration such as 24h, got "${flags.since}"`
        })
      }
      for (const [field, value] of [
        ["vm-capacity-mhz", flags.vmCapacityMhz],
        ["vm-ram-mb", flags.vmRamMb]
      ] as const) {
        if (!(Number.isFinite(value) && value > 0)) {
          return yield* new ConfigError({ field, message: `must be positive, got ${value}` })
        }
      }
      const spec = settings.algorithms
      // A flag names an algorithm by the catalogue's reference syntax, NAME[:PARAMS], as everywhere.
      const pick = (
        family: AlgorithmFamily,
        chosen: Option.Option<string>,
        configured: AlgorithmSpec
      ): Effect.Effect<{ readonly name: string; readonly params: unknown }, ConfigError> =>
        Option.match(chosen, {
          onNone: () => Effect.succeed({ name: configured.name, params: configured.params as unknown }),
          onSome: (text) =>
            // Parsed once the module is loaded, so that a user's factory gives its own defaults.
            Effect.zipRight(
              preloadAlgorithmRefs([text]),
              Effect.suspend(() => parseAlgorithmRef(family, text, `--${family}`))
            )
        })
      const underload = yield* pick("underload", flags.underload, spec.underload)
      const overload = yield* pick("overload", flags.overload, spec.overload)
      const selection = yield* pick("selection", flags.selection, spec.selection)
      const placement = yield* pick("placement", flags.placement, spec.placement)
      const ctx = {
        timeStepSec: settings.dataCollectorInterval,
        migrationTimeSec: flags.vmRamMb / settings.networkMigrationBandwidth
      }
      const algorithms = {
        underload: yield* wiring.algorithms.makeDetector("underload", underload.name, underload.params, ctx),
        overload: yield* wiring.algorithms.makeDetector("overload", overload.name, overload.params, ctx),
        selector: yield* wiring.algorithms.makeSelector(selection.name, selection.params, ctx),
        placer: yield* wiring.algorithms.makePlacer(placement.name, placement.params, ctx)
      }
      const until = Option.getOrUndefined(flags.until)
      const endMs = until === undefined ? Date.now() : Date.parse(until)
      if (until !== undefined && !(/^\d{4}-\d{2}-\d{2}T/.test(until.trim()) && Number.isFinite(endMs))) {
        return yield* new ConfigError({
          field: "until",
          message: `expected an ISO-8601 time such as 2026-12-01T12:00:00Z, got "${until}"`
        })
      }
      const startMs = endMs - windowSec * 1000
      const window = yield* Effect.scoped(
        Effect.flatMap(openDatabase(settings.sqlConnection), (db) =>
          readRecordedWindow(db, startMs, endMs, {
            intervalSec: settings.localManagerInterval,
            power: hpProLiantMl110G5,
            vmCapacityMhz: flags.vmCapacityMhz,
            vmRamMb: flags.vmRamMb,
            migrationBandwidthMBps: settings.networkMigrationBandwidth
          })
        )
      )
      if (window.vms.length === 0) {
        return yield* new ConfigError({
          field: "since",
          message: `the store holds no VM samples in the ${flags.since} up to ${new Date(endMs).toISOString()}`
        })
      }
      const actual = windowResult(window)
      const replay = yield* replayWindow(window, algorithms, {
        ...defaultPlanningOptions,
        hostCpuUsableByVms: settings.hostCpuUsableByVms,
        vmHistoryLength: settings.dataCollectorDataLength
      })
      // The label states each algorithm with its parameters, as a reference that reproduces it.
      const reference = (choice: { readonly name: string; readonly params: unknown }) =>
        `${choice.name}:${JSON.stringify(choice.params)}`
      const label = `what-if: ${[underload, overload, selection, placement].map(reference).join(", ")}`
      const { known } = recordedPlacement(window)
      const start =
        known === window.vms.length
          ? "from the recorded placement"
          : `from the recorded placement of ${known} of ${window.vms.length} VMs (the others by best fit: the store has no host for them)`
      const windowText = `${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}`
      const unplaced = unplacedUse(window)
      if (unplaced.vms > 0) {
        yield* Console.log(
          `note: ${unplaced.vms} of ${window.vms.length} VMs have use the store places on no host at some steps ` +
            `(${(100 * unplaced.share).toFixed(1)} % of all VM use; no vm_placements rows for them, as in a store written ` +
            "before they existed): the recorded hosts' utilisation, energy and SLATAH leave that use out"
        )
      }
      yield* Console.log(
        `window ${windowText} (${flags.since}), ${window.intervalSec} s steps\nreplay ${label}\nstarting ${start}\n\n` +
          formatComparison(actual.metrics, replay.result.metrics, [
            ["hosts' own use (MHz, mean a powered-on host)", meanOwnUseMhz(window), meanOwnUseMhz(replay.window), 1]
          ]) +
          "\n(a host's own use is counted on both sides; the replay does not model a hypervisor's overhead)"
      )
      if (Option.isSome(flags.report)) {
        yield* writeReport(
          flags.report.value,
          [
            { label: "recorded", result: actual },
            { label, result: replay.result }
          ],
          { title: `Neat what-if over ${windowText}` }
        )
        yield* Console.log(`report written to ${flags.report.value}`)
      }
    })
  ).pipe(
    Command.withDescription("Replay the recorded utilisation through other algorithms and compare with what happened")
  )

export const whatifCommand = makeWhatifCommand(loadedDefaultWiring)
