/**
 * `--hosts FILE.json` for sweeps: the data centre's own machines (`HostsFile.ts`), read, checked
 * and hashed once before any job runs (a mistake names the file and the field), its name and hash
 * going with every job (and into its key), its path to the runner, which reads it again in its
 * worker and refuses it if its content changed in between.
 */
import { createHash } from "node:crypto"
import { basename, resolve } from "node:path"
import { Effect } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import { fleetHostCount, type HostFleet, parseHostsFile, readHostsText } from "../HostsFile.js"
import type { HostsFileRef, SweepGrid, SweepJob } from "./SweepJob.js"

const sha256Of = (text: string): string => createHash("sha256").update(text).digest("hex")

/** Reads, checks and hashes a hosts file (the same text is checked and hashed). */
export const resolveHostsFile = (path: string): Effect.Effect<HostsFileRef, InputError> =>
  Effect.gen(function* () {
    const text = yield* readHostsText(path)
    const fleet = yield* parseHostsFile(text, path)
    return { file: basename(path), sha256: sha256Of(text), hosts: fleetHostCount(fleet), path: resolve(path) }
  })

/** The hosts file of a grid whose `hosts` names one; undefined for a number of hosts or none. */
export const gridHostsFile = (grid: SweepGrid): Effect.Effect<HostsFileRef | undefined, InputError> =>
  typeof grid.hosts === "string" ? resolveHostsFile(grid.hosts) : Effect.succeed(undefined)

/**
 * A job whose `hosts` parameter asks for another number of hosts than its hosts file describes is
 * refused before anything runs (the same number is allowed: it says the same).
 */
export const checkHostsParameter = (jobs: ReadonlyArray<SweepJob>): Effect.Effect<void, ConfigError> =>
  Effect.gen(function* () {
    for (const job of jobs) {
      const asked = job.params.hosts
      if (job.hostsFile === undefined || asked === undefined || asked === job.hostsFile.hosts) continue
      return yield* new ConfigError({
        field: "hosts",
        message: `the parameter hosts=${String(asked)} asks for ${String(asked)} hosts, but the hosts file ${job.hostsFile.file} describes ${job.hostsFile.hosts}; drop the parameter, or give a number with --hosts`
      })
    }
  })

/**
 * The fleet of a job's hosts file, read in the worker from the path the sweep resolved, and
 * refused when the file is not the one the sweep hashed (edited between the start and this job).
 */
export const loadJobHostsFile = (ref: HostsFileRef): Effect.Effect<HostFleet, InputError | ConfigError> =>
  Effect.gen(function* () {
    if (ref.path === undefined) {
      return yield* new ConfigError({ field: "hosts", message: `the job's hosts file ${ref.file} has no path to read` })
    }
    const text = yield* readHostsText(ref.path)
    const sha256 = sha256Of(text)
    if (sha256 !== ref.sha256) {
      return yield* new InputError({
        file: ref.path,
        message: `changed since the sweep started (sha256 ${sha256.slice(0, 12)}…, expected ${ref.sha256.slice(0, 12)}…); run the sweep again`
      })
    }
    return yield* parseHostsFile(text, ref.path)
  })
