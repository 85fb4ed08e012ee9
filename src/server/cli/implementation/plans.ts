/**
 * What `neat plans` runs on: where the global manager is and the secret to sign with (flags, the
 * environment, neat.conf), one signed request per subcommand, and the plans as tables or JSON.
 */
import { FileSystem } from "@effect/platform"
import { Clock, Console, Effect, Option, Redacted, Schema } from "effect"
import { ConfigError, InputError } from "../../../core/errors.js"
import type { NeatConfig } from "../../config/NeatConfig.js"
import { ApprovalView, PlanView } from "../../http/Api.js"
import { signedHeaders } from "../../http/RequestSigning.js"
import { baseUrl, type GlobalManagerTrust, send } from "../../localManager/GlobalManagerClient.js"
import { systemConfigFile } from "../configOption.js"
import { loadCliConfig } from "../loadCliConfig.js"
import { globalManagerTrust } from "../localManager.js"

export interface PlansFlags {
  readonly config: Option.Option<string>
  readonly url: Option.Option<string>
  readonly secret: Option.Option<Redacted.Redacted<string>>
  readonly format: "table" | "json"
}

interface Connection {
  readonly url: string
  readonly secret: string
  readonly trust: GlobalManagerTrust | undefined
}

type Plan = Schema.Schema.Type<typeof PlanView>

/** Seconds a request may take before the command gives up (an approval waits for its migrations). */
const timeoutSec = 3600

/** neat.conf when one is named or /etc/neat/neat.conf exists; otherwise none (flags and environment only). */
const operatorConfig = (file: Option.Option<string>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const system = yield* fs.exists(systemConfigFile).pipe(Effect.orElseSucceed(() => false))
    return Option.isNone(file) && !system ? undefined : yield* loadCliConfig(file)
  })

/** A listening address as a client reaches it (the wildcard addresses are this machine). */
const reachable = (host: string): string =>
  host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host

const connect = (flags: PlansFlags) =>
  Effect.gen(function* () {
    const config: NeatConfig | undefined = yield* operatorConfig(flags.config)
    const secret =
      Option.getOrUndefined(Option.map(flags.secret, Redacted.value)) ??
      (config?.globalManagerSigningSecret === undefined ? undefined : Redacted.value(config.globalManagerSigningSecret))
    if (secret === undefined || secret === "") {
      return yield* new ConfigError({
        field: "global_manager_signing_secret",
        message:
          "required to sign requests: --global-manager-signing-secret, NEAT_REQUEST_SIGNING_SECRET, or global_manager_signing_secret in neat.conf (--config)"
      })
    }
    const servesTls = (config?.globalManagerTlsCert ?? "") !== ""
    const trust = yield* globalManagerTrust(config?.globalManagerTlsCa, servesTls)
    const url = Option.getOrElse(flags.url, () =>
      baseUrl({
        global_manager_host: reachable(config?.globalManagerHost ?? "127.0.0.1"),
        global_manager_port: config?.globalManagerPort ?? 60080,
        global_manager_tls: trust,
        os_admin_user: "",
        os_admin_password: "",
        request_signing_secret: secret
      })
    ).replace(/\/+$/, "")
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    if (
      parsed === undefined ||
      (parsed.protocol !== "http:" && parsed.protocol !== "https:") ||
      parsed.pathname !== "/"
    ) {
      return yield* new ConfigError({ field: "url", message: `must be http(s)://HOST:PORT, got ${url}` })
    }
    return { url, secret, trust } satisfies Connection
  })

/** What an error answer says, by status, in one line. */
const refusal = (status: number, message: string): string => {
  switch (status) {
    case 401:
      return `not authenticated (401: ${message}); check the signing secret (global_manager_signing_secret, NEAT_REQUEST_SIGNING_SECRET)`
    case 403:
      return `the global manager refused the request's signature (403: ${message}); check the signing secret (global_manager_signing_secret, NEAT_REQUEST_SIGNING_SECRET)`
    case 404:
      return `${message} (404)`
    case 409:
      return `${message} (409: the plan is no longer pending)`
    case 412:
      return `${message} (412: is this machine's clock right?)`
    default:
      return `${message} (${status})`
  }
}

const messageOf = (body: string): string => {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") {
      return parsed.message
    }
  } catch {
    // Not JSON: the body as it is.
  }
  return body.trim() === "" ? "no message" : body.trim().slice(0, 500)
}

/** One signed request; the parsed JSON body and the headers of a 2xx answer, else a one-line error. */
const signedRequest = (connection: Connection, method: string, path: string, payload?: unknown) =>
  Effect.gen(function* () {
    const body = payload === undefined ? "" : JSON.stringify(payload)
    const nowSec = (yield* Clock.currentTimeMillis) / 1000
    const headers = {
      ...signedHeaders(connection.secret, method, path, body, nowSec),
      ...(body === "" ? {} : { "content-type": "application/json" })
    }
    const answer = yield* send(
      `${connection.url}${path}`,
      { method, headers, ...(body === "" ? {} : { body }) },
      timeoutSec,
      connection.trust
    ).pipe(
      Effect.mapError(
        (error) =>
          new InputError({ file: connection.url, message: `cannot reach the global manager: ${error.message}` })
      )
    )
    if (answer.status < 200 || answer.status >= 300) {
      return yield* new InputError({
        file: `${method} ${connection.url}${path}`,
        message: refusal(answer.status, messageOf(answer.body))
      })
    }
    const parsed = yield* Effect.try({
      try: (): unknown => JSON.parse(answer.body),
      catch: () => new InputError({ file: `${connection.url}${path}`, message: "the answer is not JSON" })
    })
    return { body: parsed, headers: answer.headers ?? {} }
  })

const decoded = <A, I>(schema: Schema.Schema<A, I>, value: unknown, where: string) =>
  Effect.mapError(
    Schema.decodeUnknown(schema)(value),
    (error) => new InputError({ file: where, message: `unexpected answer: ${error.message.split("\n")[0]}` })
  )

/** A time with its date, UTC. */
const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`

const watts = (w: number): string => `${w.toFixed(1)} W`

/** Columns padded to their widest cell. */
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  return [line(header), ...rows.map(line)].join("\n")
}

const effectLine = (plan: Plan): string => {
  const effect = plan.effect
  if (effect === undefined) return "effect: not predicted (a plan kept from before effects were computed)"
  const risk = effect.sla_risk_hosts.length === 0 ? "none" : effect.sla_risk_hosts.join(", ")
  return (
    `effect: ${effect.hosts_freed} hosts freed, ${watts(effect.power_saved_w)} saved ` +
    `(${effect.energy_saved_kwh_per_hour.toFixed(3)} kWh per hour), ${effect.migrations} migrations ` +
    `(${effect.migration_seconds.toFixed(1)} s one after another); hosts above the overload threshold after it: ${risk}`
  )
}

const actionText = (action: Plan["actions"][number]): string =>
  action.kind === "migrate" ? `migrate ${action.vm} ${action.from} -> ${action.to}` : `${action.kind} ${action.host}`

/** A plan as `show` prints it. */
export const formatPlan = (plan: Plan): string => {
  const requests = (plan.requests ?? [])
    .map((request) => `${request.reason} of ${request.host} (decision ${request.decision_id})`)
    .join(", ")
  const lines = [
    `plan ${plan.id}: ${plan.status}${plan.resolution === undefined ? "" : ` (${plan.resolution})`}`,
    `created ${utc(plan.created_at_ms)}, approvable until ${utc(plan.expires_at_ms)}`,
    ...(plan.superseded_by === undefined || plan.resolution?.includes(`plan ${plan.superseded_by}`) === true
      ? []
      : [`superseded by plan ${plan.superseded_by}`]),
    `requests: ${requests === "" ? "none recorded" : requests}`,
    effectLine(plan),
    "",
    table(
      ["KEY", "ACTION", "AFTER", "STATUS"],
      plan.actions.map((action) => [
        action.key,
        actionText(action),
        action.after.join(","),
        action.detail === undefined ? action.status : `${action.status}: ${action.detail}`
      ])
    )
  ]
  return lines.join("\n")
}

/** The plans as `list` prints them, with the count of every match. */
export const formatPlanList = (plans: ReadonlyArray<Plan>, total: number, status: string | undefined): string => {
  const rows = plans.map((plan) => [
    String(plan.id),
    plan.status,
    utc(plan.created_at_ms),
    String(plan.requests?.length ?? 1),
    String(plan.actions.length),
    plan.effect === undefined ? "-" : String(plan.effect.hosts_freed),
    plan.effect === undefined ? "-" : watts(plan.effect.power_saved_w),
    plan.effect === undefined ? "-" : `${plan.effect.migrations} (${plan.effect.migration_seconds.toFixed(0)} s)`,
    plan.effect === undefined || plan.effect.sla_risk_hosts.length === 0
      ? "-"
      : String(plan.effect.sla_risk_hosts.length)
  ])
  const kind = (count: number) => `${status === undefined ? "" : `${status} `}${count === 1 ? "plan" : "plans"}`
  const footer =
    plans.length === total
      ? `${total} ${kind(total)}`
      : `${plans.length} of ${total} ${kind(total)} (the newest; --limit for more)`
  if (plans.length === 0) return `no ${kind(0)}`
  return `${table(
    ["ID", "STATUS", "CREATED", "REQUESTS", "ACTIONS", "HOSTS FREED", "POWER SAVED", "MIGRATIONS", "SLA RISK"],
    rows
  )}\n${footer}`
}

const json = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

export const listPlans = (flags: PlansFlags, status: string | undefined, limit: number) =>
  Effect.gen(function* () {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
      return yield* new ConfigError({ field: "limit", message: `must be 1 to 10000 plans, got ${limit}` })
    }
    const connection = yield* connect(flags)
    const query = new URLSearchParams({ ...(status === undefined ? {} : { status }), limit: String(limit) })
    const path = `/v1/plans?${query.toString()}`
    const answer = yield* signedRequest(connection, "GET", path)
    const plans = yield* decoded(Schema.Array(PlanView), answer.body, `${connection.url}${path}`)
    const total = Number(answer.headers["x-total-count"] ?? plans.length)
    if (flags.format === "json") return yield* json({ total, plans })
    yield* Console.log(formatPlanList(plans, total, status))
  })

export const showPlan = (flags: PlansFlags, id: number) =>
  Effect.gen(function* () {
    const connection = yield* connect(flags)
    const path = `/v1/plans/${id}`
    const answer = yield* signedRequest(connection, "GET", path)
    const plan = yield* decoded(PlanView, answer.body, `${connection.url}${path}`)
    yield* flags.format === "json" ? json(plan) : Console.log(formatPlan(plan))
  })

export const approvePlan = (flags: PlansFlags, id: number, actions: string | undefined) =>
  Effect.gen(function* () {
    const keys = actions
      ?.split(",")
      .map((key) => key.trim())
      .filter((key) => key !== "")
    if (keys !== undefined && keys.length === 0) {
      return yield* new ConfigError({
        field: "actions",
        message: "names no action: give keys as `neat plans show` prints them"
      })
    }
    const connection = yield* connect(flags)
    const path = `/v1/plans/${id}/approve`
    const answer = yield* signedRequest(connection, "POST", path, keys === undefined ? {} : { actions: keys })
    const approval = yield* decoded(ApprovalView, answer.body, `${connection.url}${path}`)
    if (flags.format === "json") return yield* json(approval)
    const skipped = approval.skipped ?? []
    yield* Console.log(
      [
        `plan ${id} approved: decision ${approval.decision.id} ${approval.decision.outcome}`,
        ...skipped.map((entry) => `skipped ${entry.key}: ${entry.reason}`),
        "",
        formatPlan(approval.plan)
      ].join("\n")
    )
  })

export const rejectPlan = (flags: PlansFlags, id: number) =>
  Effect.gen(function* () {
    const connection = yield* connect(flags)
    const path = `/v1/plans/${id}/reject`
    const answer = yield* signedRequest(connection, "POST", path)
    const plan = yield* decoded(PlanView, answer.body, `${connection.url}${path}`)
    yield* flags.format === "json" ? json(plan) : Console.log(`plan ${id} rejected`)
  })
