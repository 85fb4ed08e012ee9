/**
 * A data centre's own machines, from a JSON file (`neat sim --hosts FILE.json`), in place of
 * CloudSim's 800 alternating HP ProLiant G4/G5:
 *
 *   { "hosts": [
 *     { "name": "Dell R640", "count": 120, "cores": 32, "mhz_per_core": 2600, "ram_mb": 196608,
 *       "bandwidth_mbps": 10000, "power_w": [110, 140, 160, 180, 200, 225, 250, 280, 310, 340, 370] },
 *     { "name": "old", "count": 40, "cores": 8, "mhz_per_core": 2000, "ram_mb": 32768,
 *       "power_w": { "idle": 90, "max": 210 } } ] }
 *
 * `power_w` is the power at 0 %, 10 %, …, 100 % CPU (SPECpower_ssj2008's eleven points, watts),
 * or `{ "idle", "max" }` for a line between them. `bandwidth_mbps` is optional (1000). Hosts are
 * numbered type by type in file order: the first `count` hosts are of the first type, and so on.
 * Every mistake names the file and the JSON path of the field (`hosts[1].power_w[3]`).
 */
import { readFile } from "node:fs/promises"
import { Effect, Either } from "effect"
import { InputError } from "../../core/errors.js"
import type { HostType } from "./Datacenter.js"

/** Host types and how many hosts of each, in order. */
export interface HostFleet {
  readonly types: ReadonlyArray<HostType>
  readonly counts: ReadonlyArray<number>
}

/** Network link when a type gives none, Mbit/s (CloudSim's hosts). */
const defaultBandwidthMbps = 1000

const typeFields = ["name", "count", "cores", "mhz_per_core", "ram_mb", "bandwidth_mbps", "power_w"]

type Checked<A> = Either.Either<A, InputError>

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const describe = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value))

/** The power table of `power_w`: eleven non-negative, non-decreasing watts. */
const powerTable = (
  fail: (field: string, message: string) => Checked<never>,
  at: string,
  power: unknown
): Checked<Float64Array> => {
  if (Array.isArray(power)) {
    if (power.length !== 11) {
      return fail(at, `expected 11 values (watts at 0 %, 10 %, ..., 100 % CPU), got ${power.length}`)
    }
    const table = new Float64Array(11)
    for (let k = 0; k < 11; k++) {
      const watts: unknown = power[k]
      if (typeof watts !== "number" || !Number.isFinite(watts) || watts < 0) {
        return fail(`${at}[${k}]`, `expected a number of watts >= 0, got ${describe(watts)}`)
      }
      if (k > 0 && watts < table[k - 1]!) {
        return fail(
          `${at}[${k}]`,
          `${watts} W is below the ${table[k - 1]} W at ${(k - 1) * 10} %: power must not fall`
        )
      }
      table[k] = watts
    }
    return Either.right(table)
  }
  if (isRecord(power)) {
    for (const key of Object.keys(power)) {
      if (key !== "idle" && key !== "max") return fail(`${at}.${key}`, "unknown field: expected idle and max (watts)")
    }
    const { idle, max } = power
    if (typeof idle !== "number" || !Number.isFinite(idle) || idle < 0) {
      return fail(`${at}.idle`, `expected a number of watts >= 0, got ${describe(idle)}`)
    }
    if (typeof max !== "number" || !Number.isFinite(max) || max < idle) {
      return fail(`${at}.max`, `expected a number of watts >= idle (${idle}), got ${describe(max)}`)
    }
    return Either.right(Float64Array.from({ length: 11 }, (_, k) => idle + ((max - idle) * k) / 10))
  }
  return fail(at, `expected 11 watts (0 % to 100 % CPU) or {"idle": W, "max": W}, got ${describe(power)}`)
}

/** Checks a parsed hosts document; every error names `file` and the field's JSON path. */
export const hostFleetOf = (file: string, document: unknown): Checked<HostFleet> =>
  Either.gen(function* () {
    const fail = (field: string, message: string): Checked<never> =>
      Either.left(new InputError({ file, field, message }))
    if (!isRecord(document) || !Array.isArray(document.hosts)) {
      return yield* fail("hosts", 'expected an object {"hosts": [{"name", "count", "cores", ...}, ...]}')
    }
    for (const key of Object.keys(document)) {
      if (key !== "hosts") yield* fail(key, 'unknown field: the file holds one field, "hosts"')
    }
    const entries: ReadonlyArray<unknown> = document.hosts
    if (entries.length === 0) return yield* fail("hosts", "expected at least one host type")
    const types: Array<HostType> = []
    const counts: Array<number> = []
    const names = new Set<string>()
    for (let i = 0; i < entries.length; i++) {
      const at = `hosts[${i}]`
      const entry = entries[i]
      if (!isRecord(entry)) return yield* fail(at, `expected an object, got ${describe(entry)}`)
      for (const key of Object.keys(entry)) {
        if (!typeFields.includes(key)) yield* fail(`${at}.${key}`, `unknown field: expected ${typeFields.join(", ")}`)
      }
      const name = entry.name === undefined ? `type ${i + 1}` : entry.name
      if (typeof name !== "string" || name.trim() === "") {
        return yield* fail(`${at}.name`, `expected a non-empty string, got ${describe(entry.name)}`)
      }
      if (names.has(name)) return yield* fail(`${at}.name`, `${JSON.stringify(name)} is already the name of a type`)
      names.add(name)
      const integer = (field: string): Checked<number> => {
        const value = entry[field]
        return typeof value === "number" && Number.isSafeInteger(value) && value > 0
          ? Either.right(value)
          : fail(`${at}.${field}`, `expected a positive integer, got ${describe(value)}`)
      }
      const positive = (field: string, fallback?: number): Checked<number> => {
        const value = entry[field] ?? fallback
        return typeof value === "number" && Number.isFinite(value) && value > 0
          ? Either.right(value)
          : fail(`${at}.${field}`, `expected a positive number, got ${describe(value)}`)
      }
      const count = yield* integer("count")
      const cores = yield* integer("cores")
      const mhzPerCore = yield* positive("mhz_per_core")
      const ramMb = yield* positive("ram_mb")
      const bandwidthMbps = yield* positive("bandwidth_mbps", defaultBandwidthMbps)
      if (entry.power_w === undefined) {
        return yield* fail(`${at}.power_w`, 'required: 11 watts (0 % to 100 % CPU) or {"idle": W, "max": W}')
      }
      const power = yield* powerTable(fail, `${at}.power_w`, entry.power_w)
      types.push({ name, mhzPerCore, cores, ramMb, bandwidthMbps, power })
      counts.push(count)
    }
    return { types, counts }
  })

/** Reads and checks a hosts file; a JSON syntax error names its line. */
export const loadHostsFile = (file: string): Effect.Effect<HostFleet, InputError> =>
  Effect.flatMap(readHostsText(file), (text) => parseHostsFile(text, file))

/** A hosts file's text, as read. */
export const readHostsText = (file: string): Effect.Effect<string, InputError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new InputError({ file, message: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

/** The fleet a hosts file's text describes; errors name `file`, the line and the field. */
export const parseHostsFile = (text: string, file: string): Effect.Effect<HostFleet, InputError> =>
  Effect.gen(function* () {
    const document = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (cause) => {
        const message = cause instanceof Error ? cause.message : String(cause)
        const position = /position (\d+)/.exec(message)?.[1]
        const line = position === undefined ? undefined : text.slice(0, Number(position)).split("\n").length
        return new InputError({ file, line, message: `not JSON: ${message}` })
      }
    })
    return yield* hostFleetOf(file, document)
  })

/** How many hosts the fleet has. */
export const fleetHostCount = (fleet: HostFleet): number => fleet.counts.reduce((sum, count) => sum + count, 0)

/** Each host's type index: the types in blocks of their counts, in file order. */
export const fleetHostTypeOf = (fleet: HostFleet): Int32Array => {
  const out = new Int32Array(fleetHostCount(fleet))
  let h = 0
  for (let t = 0; t < fleet.counts.length; t++) {
    for (let i = 0; i < fleet.counts[t]!; i++) out[h++] = t
  }
  return out
}
