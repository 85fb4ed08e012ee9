/**
 * What `neat status` runs on: where the global manager is and the secret to sign with (flags, the
 * environment, neat.conf), the signed request, and the table it prints.
 */
import { FileSystem } from "@effect/platform"
import { Console, Data, Effect, Option, Redacted, Schema } from "effect"
import { ConfigError } from "../../../core/errors.js"
import { defaultConfigFile, type NeatConfig } from "../../config/NeatConfig.js"
import { StatusView } from "../../http/Api.js"
import { type GlobalManagerTrust, GlobalManagerUnreachable, signedGet } from "../../localManager/GlobalManagerClient.js"
import { loadCliConfig } from "../loadCliConfig.js"

/** The global manager answered, but not with a status: refused (401, 403, 412) or failed. */
export class GlobalManagerRefused extends Data.TaggedError("GlobalManagerRefused")<{ readonly message: string }> {}

export type Status = Schema.Schema.Type<typeof StatusView>

export interface StatusFlags {
  readonly config: Option.Option<string>
  readonly url: Option.Option<string>
  readonly format: "table" | "json"
  readonly limit: number
  readonly timeout: number
}

/** The environment variable `neat serve` and `neat status` both read the signing secret from. */
export const secretVariable = "NEAT_REQUEST_SIGNING_SECRET"

/**
 * `http[s]://host:port` from neat.conf; a wildcard listening address, or the shipped default host
 * (`controller`, when no file or variable sets it), is reached on loopback.
 */
const configuredUrl = (config: NeatConfig): string => {
  const listening = config.globalManagerHost.trim()
  const shipped = config.sources.global_manager_host?.startsWith(`${defaultConfigFile}:`) ?? true
  const host = shipped || listening === "0.0.0.0" ? "127.0.0.1" : listening === "::" ? "::1" : listening
  const scheme = config.globalManagerTlsCert.trim() === "" ? "http" : "https"
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${config.globalManagerPort}`
}

const checkedUrl = (text: string): Effect.Effect<string, ConfigError> => {
  try {
    const url = new URL(text)
    if ((url.protocol === "http:" || url.protocol === "https:") && url.pathname === "/" && url.search === "") {
      return Effect.succeed(`${url.protocol}//${url.host}`)
    }
  } catch {
    // reported below
  }
  return Effect.fail(
    new ConfigError({ field: "--url", message: `must be http://HOST:PORT or https://HOST:PORT (got '${text}')` })
  )
}

/** Reads the status from the global manager (signed), checking its shape. */
export const fetchStatus = (
  flags: StatusFlags
): Effect.Effect<{ readonly url: string; readonly status: Status }, unknown, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (!Number.isInteger(flags.limit) || flags.limit < 1 || flags.limit > 1000) {
      return yield* new ConfigError({ field: "--limit", message: `must be 1-1000, got ${flags.limit}` })
    }
    if (!(flags.timeout > 0)) {
      return yield* new ConfigError({ field: "--timeout", message: `must be positive (seconds), got ${flags.timeout}` })
    }
    const config = yield* loadCliConfig(flags.config)
    const url = Option.isSome(flags.url) ? yield* checkedUrl(flags.url.value) : configuredUrl(config)
    const secret =
      process.env[secretVariable] ??
      (config.globalManagerSigningSecret === undefined ? undefined : Redacted.value(config.globalManagerSigningSecret))
    if (secret === undefined || secret === "") {
      return yield* new ConfigError({
        field: "global_manager_signing_secret",
        message: `required to sign the request: set ${secretVariable}, or global_manager_signing_secret in neat.conf (--config)`
      })
    }
    const caFile = config.globalManagerTlsCa.trim()
    const trust: GlobalManagerTrust | undefined =
      url.startsWith("https:") && caFile !== ""
        ? {
            ca: yield* Effect.mapError(
              Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(caFile)),
              (error) =>
                new ConfigError({ field: "global_manager_tls_ca", message: `cannot read ${caFile}: ${error.message}` })
            )
          }
        : undefined
    const response = yield* signedGet(url, secret, `/v1/status?limit=${flags.limit}`, flags.timeout, trust).pipe(
      Effect.mapError(
        (error) =>
          new GlobalManagerUnreachable({
            url,
            message: `cannot reach the global manager at ${url}: ${error.message}`
          })
      )
    )
    const message = messageOf(response.body)
    if (response.status === 401 || response.status === 403 || response.status === 412) {
      return yield* new GlobalManagerRefused({
        message: `the global manager at ${url} refused the request (${response.status}): ${message}; check the signing secret (${secretVariable} or global_manager_signing_secret) and this machine's clock`
      })
    }
    if (response.status !== 200) {
      return yield* new GlobalManagerRefused({
        message: `the global manager at ${url} answered ${response.status}: ${message}`
      })
    }
    const status = yield* Effect.try({
      try: () => Schema.decodeUnknownSync(StatusView)(JSON.parse(response.body)),
      catch: () =>
        new GlobalManagerRefused({ message: `the answer of ${url}/v1/status is not a status (an older Neat?)` })
    })
    return { url, status }
  })

/** The message of an error answer (`{"message": ...}`), else its first line. */
const messageOf = (body: string): string => {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") {
      return parsed.message
    }
  } catch {
    // not JSON
  }
  return body.split("\n")[0]?.slice(0, 200) || "(no message)"
}

/** `2026-12-08 00:20:13Z`. */
const when = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`
const minute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`

const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)

/** Rows as columns padded to their widest cell. */
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}`
  return [line(header), ...rows.map(line)]
}

type Kind = Status["windows"]["blackouts"]

const windowLine = (kind: Kind, openWord: string): string => {
  if (kind.windows.length === 0) return "none defined"
  const open = kind.open[0]
  if (open !== undefined) return `${openWord}: '${open.window}' until ${minute(open.end_ms)}`
  const next = kind.next
  return next === undefined
    ? "none open"
    : `none open; next '${next.window}' ${minute(next.start_ms)} to ${minute(next.end_ms)}`
}

/** The status as a table for people. */
export const renderStatus = (url: string, status: Status): string => {
  const byPower = Object.entries(status.hosts.by_power)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([power, n]) => `${n} ${power}`)
    .join(", ")
  const windows = status.windows
  const disruption = windows.disruption_allowed
    ? "allowed"
    : windows.blackouts.open.length > 0
      ? "held (blackout): nothing is migrated or suspended"
      : "recommend only (outside the maintenance windows)"
  const budget = windows.budget
  const lines = [
    `Neat global manager at ${url}, mode ${status.mode}, ${when(status.now_ms)}`,
    "",
    `hosts        ${status.hosts.total}${byPower === "" ? "" : `: ${byPower}`}`,
    `VMs          ${status.vms}`,
    ...(status.cloud_error === undefined ? [] : [`cloud        cannot be read: ${status.cloud_error}`]),
    `plans        ${status.plans.pending} pending`,
    `blackouts    ${windowLine(windows.blackouts, "open")}`,
    `maintenance  ${windowLine(windows.maintenance, "open")}`,
    `disruption   ${disruption}`,
    `budget       ${
      budget === undefined
        ? "no limit"
        : `${budget.budget} = ${budget.limit} of ${budget.hosts} hosts at once; in disruption now: ${
            budget.in_disruption.length === 0 ? "none" : budget.in_disruption.join(", ")
          }`
    }`,
    "",
    "recent decisions (newest first)"
  ]
  if (status.decisions.length === 0) lines.push("  none")
  else
    lines.push(
      ...table(
        ["ID", "FINISHED", "HOST", "REASON", "OUTCOME", "STATUS", "DETAIL"],
        status.decisions.map((d) => [
          String(d.id),
          when(d.finished_at_ms),
          d.host,
          d.reason,
          d.outcome,
          d.status,
          clip(d.detail, 90)
        ])
      )
    )
  lines.push("", "recent migrations (newest first)")
  if (status.migrations.length === 0) lines.push("  none")
  else
    lines.push(
      ...table(
        ["WHEN", "VM", "TO HOST"],
        status.migrations.map((m) => [when(m.timestamp_ms), m.vm, m.host])
      )
    )
  lines.push("", "errors (COUNT: since the manager started; RECENT: in its last 200 decisions)")
  if (status.errors.length === 0) lines.push("  none")
  else
    lines.push(
      ...table(
        ["CLASS", "COUNT", "RECENT", "LATEST"],
        status.errors.map((e) => [
          e.class,
          String(e.count),
          String(e.recent),
          e.latest_message === undefined ? "" : `${when(e.latest_at_ms ?? 0)}  ${clip(e.latest_message, 90)}`
        ])
      )
    )
  return lines.join("\n")
}

/** `neat status`: fetch, then print as asked. */
export const runStatus = (flags: StatusFlags) =>
  Effect.gen(function* () {
    const { url, status } = yield* fetchStatus(flags)
    yield* Console.log(flags.format === "json" ? JSON.stringify(status, null, 2) : renderStatus(url, status))
  })
