/**
 * The OpenStack side of the reconciliation at start (core/control/Reconciliation.ts): asks Nova how
 * each action a crash left pending ended, finishes or undoes what was left half-way, and finds
 * hosts stranded without a pending action.
 * - A migration: the server is watched until Nova has no task on it (or the migration's deadline
 *   passes); it is done when the server is active on the target, failed otherwise, with where the
 *   VM is (or that it no longer exists).
 * - A suspend: a host disabled by Neat and down is suspended; one disabled by Neat and still up is
 *   suspended again when it is empty (the sleep command, then the check that it went down), and
 *   enabled again when that fails or VMs run on it; a host nobody disabled was never touched.
 * - A wake: woken again (magic packets when down, then enabled), as `wake` does.
 * - Without a pending action: a host disabled by Neat and up is settled as a suspend is; a host
 *   recorded suspended whose compute service is up and enabled is recorded active.
 */
import { Clock, Effect, Option } from "effect"
import type { ActionOutcome, PlanAction } from "../../core/control/PlanAction.js"
import type { CloudReconciliation, SettledHost } from "../../core/control/Reconciliation.js"
import { describeError } from "../../core/errors.js"
import { describeOpenStackError } from "./errors.js"
import { type HostPowerApi, isDisabledByNeat, isDisabledByOperator } from "./HostPower.js"
import type { HostPowerLogApi } from "./HostPowerLog.js"
import { type MigrationPolicy, migrationTimeoutSec } from "./MigrationPolicy.js"
import type { NovaApi } from "./Nova.js"
import type { ComputeService, Server } from "./NovaModels.js"

export interface ReconcileDependencies {
  readonly nova: NovaApi
  readonly power: HostPowerApi
  readonly powerLog: HostPowerLogApi
  readonly policy: MigrationPolicy
  /** Whether Neat manages the host (compute_hosts). */
  readonly managed: (host: string) => boolean
  /** Runs a power action marked in progress on the host (the cloud's `suspending`/`waking`). */
  readonly tracked: <E>(
    host: string,
    state: "suspending" | "waking",
    effect: Effect.Effect<void, E>
  ) => Effect.Effect<void, E>
}

const hostOf = (server: Server): string | undefined => server["OS-EXT-SRV-ATTR:host"] ?? undefined

export const makeReconcile =
  (deps: ReconcileDependencies) =>
  (pending: ReadonlyArray<PlanAction>): Effect.Effect<CloudReconciliation> =>
    Effect.gen(function* () {
      const { nova, power, powerLog, policy } = deps

      /** Watches a server until Nova has no task on it or `deadlineMs` passes. */
      const settledServer = (vm: string, deadlineMs: number) =>
        Effect.gen(function* () {
          while (true) {
            const seen = yield* Effect.either(nova.server(vm))
            if (seen._tag === "Left") {
              if (seen.left._tag === "UnknownVm") return { _tag: "Gone" as const }
              if ((yield* Clock.currentTimeMillis) >= deadlineMs)
                return { _tag: "Unreadable" as const, why: describeError(seen.left) }
            } else if (seen.right["OS-EXT-STS:task_state"] === null || (yield* Clock.currentTimeMillis) >= deadlineMs) {
              return { _tag: "Seen" as const, server: seen.right }
            }
            yield* Effect.sleep(`${Math.round(policy.pollIntervalSec * 1000)} millis`)
          }
        })

      const settleMigration = (action: Extract<PlanAction, { kind: "migrate" }>) =>
        Effect.gen(function* () {
          const first = yield* Effect.either(nova.server(action.vm))
          const ramMb = first._tag === "Right" ? first.right.flavor.ram : 0
          const deadlineMs = (yield* Clock.currentTimeMillis) + migrationTimeoutSec(policy, ramMb) * 1000
          const seen = yield* settledServer(action.vm, deadlineMs)
          const outcome = (state: "done" | "failed", detail: string): ActionOutcome => ({ action, state, detail })
          if (seen._tag === "Gone") return outcome("failed", "Nova no longer has the server (deleted)")
          if (seen._tag === "Unreadable") return outcome("failed", `Nova could not be read: ${seen.why}`)
          const server = seen.server
          const at = hostOf(server) ?? "no host"
          const task = server["OS-EXT-STS:task_state"]
          if (task !== null) return outcome("failed", `still ${task} on ${at} at the deadline; left to Nova`)
          if (server.status === "ERROR") return outcome("failed", `the server is in ERROR on ${at}`)
          if (at === action.host) return outcome("done", `found ${server.status} on ${at} at start`)
          if (at === action.from)
            return outcome("failed", `the server is ${server.status} on its source ${at}: Nova did not move it`)
          return outcome("failed", `the server is ${server.status} on ${at}, neither source nor target`)
        })

      /** Re-enables a host Neat disabled that is up (wake skips the magic packet for a host that is up). */
      const reEnable = (host: string, why: string) =>
        Effect.either(deps.tracked(host, "waking", power.wake(host))).pipe(
          Effect.map((woke) =>
            woke._tag === "Right"
              ? `${why}; enabled again`
              : `${why}; enabling it again failed too (${describeError(woke.left)})`
          )
        )

      /** A host disabled by Neat and still up: suspend it when empty, else (or on failure) enable it again. */
      const finishOrUndoSuspend = (host: string, servers: ReadonlyArray<Server>) =>
        Effect.gen(function* () {
          const resident = servers.filter((server) => hostOf(server) === host)
          if (resident.length > 0) {
            return { done: false, detail: yield* reEnable(host, `${resident.length} VM(s) run on it`) }
          }
          const suspended = yield* Effect.either(deps.tracked(host, "suspending", power.suspend(host)))
          if (suspended._tag === "Right")
            return { done: true, detail: "suspended at start (the sleep command ran again)" }
          return {
            done: false,
            detail: yield* reEnable(host, `the suspend could not be finished (${describeError(suspended.left)})`)
          }
        })

      const read = yield* Effect.either(Effect.all([nova.computeServices, nova.servers], { concurrency: 2 }))
      if (read._tag === "Left") {
        const why = `Nova could not be read at start: ${describeOpenStackError(read.left)}`
        return {
          actions: pending.map((action): ActionOutcome => ({ action, state: "failed", detail: why })),
          hosts: []
        }
      }
      const [services, servers] = read.right
      const serviceOf = (host: string): ComputeService | undefined => services.find((s) => s.host === host)

      const actions: Array<ActionOutcome> = []
      // Migrations first: a suspend waits for the VMs that were leaving its host.
      const migrations = pending.filter((action) => action.kind === "migrate")
      actions.push(...(yield* Effect.forEach(migrations, settleMigration, { concurrency: policy.maxConcurrent })))
      const freshServers = yield* nova.servers.pipe(Effect.orElseSucceed(() => servers))
      const handled = new Set<string>()
      for (const action of pending) {
        if (action.kind === "migrate") continue
        handled.add(action.host)
        const service = serviceOf(action.host)
        const outcome = (state: "done" | "failed", detail: string): ActionOutcome => ({ action, state, detail })
        if (service === undefined) {
          actions.push(outcome("failed", "Nova has no compute service for the host"))
        } else if (isDisabledByOperator(service)) {
          actions.push(
            outcome(
              "failed",
              `an operator disabled its compute service (${service.disabled_reason ?? "no reason given"}); left alone`
            )
          )
        } else if (action.kind === "wake") {
          const woke = yield* Effect.either(deps.tracked(action.host, "waking", power.wake(action.host)))
          actions.push(
            woke._tag === "Right"
              ? outcome("done", "woken at start")
              : outcome("failed", `could not be woken at start: ${describeError(woke.left)}`)
          )
        } else if (isDisabledByNeat(service) && service.state === "down") {
          const latest = yield* powerLog.latest(action.host)
          if (Option.isNone(latest) || latest.value.state !== "suspended") {
            yield* powerLog.record({
              host: action.host,
              state: "suspended",
              atMs: yield* Clock.currentTimeMillis,
              detail: "found disabled by Neat and down at start"
            })
          }
          actions.push(outcome("done", "found disabled by Neat and down at start"))
        } else if (isDisabledByNeat(service)) {
          const settled = yield* finishOrUndoSuspend(action.host, freshServers)
          actions.push(outcome(settled.done ? "done" : "failed", settled.detail))
        } else {
          actions.push(outcome("failed", `never started: the compute service is ${service.state} and enabled`))
        }
      }

      // Hosts left half-way without a pending action.
      const hosts: Array<SettledHost> = []
      for (const service of services) {
        const host = service.host
        if (handled.has(host) || !deps.managed(host) || service.binary !== "nova-compute") continue
        if (isDisabledByNeat(service) && service.state === "up") {
          const settled = yield* finishOrUndoSuspend(host, freshServers)
          hosts.push({ host, state: settled.done ? 0 : 1, detail: `disabled by Neat but up: ${settled.detail}` })
        } else if (service.status === "enabled" && service.state === "up") {
          const latest = yield* powerLog.latest(host)
          if (Option.isSome(latest) && latest.value.state === "suspended") {
            const detail = "recorded suspended, found up and enabled at start"
            yield* powerLog.record({ host, state: "active", atMs: yield* Clock.currentTimeMillis, detail })
            hosts.push({ host, state: 1, detail })
          }
        }
      }
      return { actions, hosts }
    }).pipe(Effect.withSpan("OpenStackCloud.reconcile"))
