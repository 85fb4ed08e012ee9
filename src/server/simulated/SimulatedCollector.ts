/**
 * The data collector of a simulated cloud: after each simulated interval it writes, for every
 * active host, Neat's local files (`<root>/<host>/vms/<uuid>` and `<root>/<host>/host`, whole MHz,
 * oldest first, the last `data_collector_data_length` values) through the collector's own file
 * code, and removes the files of VMs that left the host. The local managers read them as on a
 * compute host.
 */
import type { FileSystem, Path } from "@effect/platform"
import { FileSystem as Fs, Path as P } from "@effect/platform"
import { Effect } from "effect"
import type { CloudApi } from "../../core/Cloud.js"
import { hostOwnCpuMhz } from "../../core/control/HostUtilization.js"
import type { CloudError, InputError } from "../../core/errors.js"
import { listVmFiles, localDataPaths, removeFile, writeValues } from "../collector/LocalData.js"

/** A host's local data directory under the collector's root. */
export const hostDataDirectory = (root: string, host: string, path: Path.Path): string => path.join(root, host)

/**
 * Writes every active host's local files from the cloud's histories. The host file holds the host's
 * own use (its latest total minus its VMs' latest samples), once per sample of its history.
 */
export const collectSimulated = (
  cloud: CloudApi,
  root: string,
  historyLength: number
): Effect.Effect<void, CloudError | InputError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* Fs.FileSystem
    const path = yield* P.Path
    for (const host of yield* cloud.hosts) {
      if (host.power !== "active") continue
      const paths = localDataPaths(hostDataDirectory(root, host.name, path), path)
      yield* fs.makeDirectory(paths.vms, { recursive: true }).pipe(Effect.orDie)
      const resident = new Set(host.vms)
      for (const uuid of yield* listVmFiles(paths.vms)) {
        if (!resident.has(uuid)) yield* removeFile(path.join(paths.vms, uuid))
      }
      const latest: Array<ReadonlyArray<number>> = []
      for (const uuid of host.vms) {
        const history = yield* cloud.vmCpuHistory(uuid, historyLength)
        latest.push(history.slice(-1))
        yield* writeValues(path.join(paths.vms, uuid), history, historyLength)
      }
      const total = host.vms.length > 0 ? yield* cloud.hostCpuHistory(host.name, historyLength) : []
      const own = hostOwnCpuMhz(total.slice(-1), latest)
      const value = own.length > 0 ? own[0]! : 0
      yield* writeValues(paths.host, new Array<number>(total.length).fill(value), historyLength)
    }
  })
