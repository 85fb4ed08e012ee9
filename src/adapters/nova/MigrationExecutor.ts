/**
 * Carries out live migrations under a `MigrationPolicy`: bounded concurrency (global and per
 * host), a deadline that grows with the VM's RAM, bounded retries with backoff, and a record of
 * every attempt. Nova accepts most doomed migrations with 202 and rolls them back later, so an
 * attempt only succeeds when the server is seen active on the target; a VM that ends in ERROR,
 * on an unexpected host, or is still migrating at its deadline is reported and never retried.
 */
import { Clock, Effect, type Either } from "effect"
import type { UnknownHost, UnknownVm } from "../../core/errors.js"
import type { Migration, MigrationOutcome } from "../../core/Placement.js"
import { describeOpenStackError, isTransient, type OpenStackError } from "./errors.js"
import { type MigrationAttemptResult, MigrationLog } from "./MigrationLog.js"
import { backoffBeforeSec, type MigrationPolicy, migrationTimeoutSec } from "./MigrationPolicy.js"
import { Nova, type NovaApi } from "./Nova.js"
import type { Server } from "./NovaModels.js"

/** A migration and the RAM of its VM (which sets its deadline). */
export interface MigrationRequest extends Migration {
  readonly ramMb: number
}

export interface MigrationExecutor {
  /**
   * Runs every migration (concurrently within the limits); one outcome per request, in order.
   * `onOutcome` hears each outcome as soon as the migration ends (the intent log records it).
   */
  readonly run: (
    requests: ReadonlyArray<MigrationRequest>,
    onOutcome?: (outcome: MigrationOutcome) => Effect.Effect<void>
  ) => Effect.Effect<ReadonlyArray<MigrationOutcome>>
}

interface AttemptEnd {
  readonly result: MigrationAttemptResult
  readonly detail: string
  readonly lastHost?: string | undefined
  readonly lastStatus?: string | undefined
}

/** Migration records in these states are still under way and can be aborted. */
const runningRecordStates = new Set(["queued", "preparing", "running"])

/** Migration records in these states mean Nova gave up on the migration. */
const failedRecordStates = new Set(["error", "failed", "cancelled"])

/** Whole seconds, or tenths below ten seconds. */
const formatSeconds = (seconds: number): string =>
  String(seconds < 10 ? Math.round(seconds * 10) / 10 : Math.round(seconds))

/** Polls in a row the VM may sit unchanged on its source before the request counts as dropped. */
const startGracePolls = 3

const describeFailure = (error: OpenStackError | UnknownVm | UnknownHost): string => {
  switch (error._tag) {
    case "UnknownVm":
      return `Nova has no server ${error.vm}`
    case "UnknownHost":
      return `Nova has no compute host ${error.host}`
    default:
      return describeOpenStackError(error)
  }
}

export const makeMigrationExecutor = (
  policy: MigrationPolicy
): Effect.Effect<MigrationExecutor, never, Nova | MigrationLog> =>
  Effect.gen(function* () {
    const nova = yield* Nova
    const log = yield* MigrationLog
    const global = yield* Effect.makeSemaphore(policy.maxConcurrent)
    const perHost = new Map<string, Effect.Semaphore>()
    const hostSemaphore = (host: string): Effect.Semaphore => {
      let semaphore = perHost.get(host)
      if (semaphore === undefined) {
        semaphore = Effect.unsafeMakeSemaphore(policy.maxConcurrentPerHost)
        perHost.set(host, semaphore)
      }
      return semaphore
    }
    /** Host permits in name order, so two migrations between the same hosts never wait on each other in a cycle. */
    const withPermits = <A, E, R>(request: MigrationRequest, effect: Effect.Effect<A, E, R>) =>
      [...new Set([request.from, request.to])]
        .sort()
        .reduceRight((inner, host) => hostSemaphore(host).withPermits(1)(inner), global.withPermits(1)(effect))

    const attemptOnce = (request: MigrationRequest): Effect.Effect<AttemptEnd> =>
      Effect.gen(function* () {
        const startedAt = yield* Clock.currentTimeMillis
        const deadline = startedAt + migrationTimeoutSec(policy, request.ramMb) * 1000
        const newestBefore = yield* nova.liveMigrations(request.vm).pipe(
          Effect.map((records) => records.reduce((newest, record) => Math.max(newest, record.id), 0)),
          Effect.orElseSucceed(() => undefined)
        )
        const posted = yield* Effect.either(nova.liveMigrate(request.vm, request.to, policy.blockMigration))
        if (posted._tag === "Left") {
          const error = posted.left
          if (error._tag === "UnknownVm" || error._tag === "UnknownHost" || error._tag === "KeystoneAuthError") {
            return { result: "failed", detail: describeFailure(error) } satisfies AttemptEnd
          }
          if (error._tag === "OpenStackHttpError" && error.status === 409) {
            return {
              result: "retryable",
              detail: `Nova is busy with the server: ${error.message}`
            } satisfies AttemptEnd
          }
          if (!isTransient(error) && error._tag !== "OpenStackDecodeError") {
            return { result: "failed", detail: describeFailure(error) } satisfies AttemptEnd
          }
          // The request may have reached Nova before the answer was lost: look before sending it again.
          const seen = yield* Effect.either(nova.server(request.vm))
          const started =
            seen._tag === "Right" &&
            (seen.right["OS-EXT-STS:task_state"] !== null || seen.right["OS-EXT-SRV-ATTR:host"] === request.to)
          if (!started) {
            return {
              result: "retryable",
              detail: `the request failed and the server did not start migrating: ${describeFailure(error)}`
            } satisfies AttemptEnd
          }
        }
        return yield* pollUntilSettled(nova, request, deadline, newestBefore)
      })

    /**
     * Asks Nova to abort the migration this attempt started, if it is still under way, so that a
     * stuck migration does not hold the VM (and the hosts' migration slots) indefinitely. Says what
     * happened, for the attempt's record; a failure to abort is reported, never raised.
     */
    const abortRunning = (nova: NovaApi, vm: string, newestBefore: number | undefined): Effect.Effect<string> =>
      Effect.gen(function* () {
        const records = yield* Effect.either(nova.liveMigrations(vm))
        if (records._tag === "Left")
          return `not aborted: its migration record cannot be read (${describeFailure(records.left)})`
        const running = records.right.findLast(
          (record) => (newestBefore === undefined || record.id > newestBefore) && runningRecordStates.has(record.status)
        )
        if (running === undefined) return "no migration under way to abort"
        const aborted = yield* Effect.either(nova.abortLiveMigration(vm, running.id))
        if (aborted._tag === "Right") return `asked Nova to abort migration ${running.id}`
        yield* Effect.logWarning(
          `aborting migration ${running.id} of ${vm} failed: ${describeFailure(aborted.left)}`
        ).pipe(Effect.annotateLogs({ service: "Nova", vm }))
        return `aborting migration ${running.id} failed: ${describeFailure(aborted.left)}`
      })

    const pollUntilSettled = (
      nova: NovaApi,
      request: MigrationRequest,
      deadline: number,
      newestBefore: number | undefined
    ): Effect.Effect<AttemptEnd> =>
      Effect.gen(function* () {
        let seenMigrating = false
        let unchangedPolls = 0
        let last: Server | undefined
        let lastError: string | undefined
        while (true) {
          yield* Effect.sleep(`${Math.round(policy.pollIntervalSec * 1000)} millis`)
          const now = yield* Clock.currentTimeMillis
          const polled: Either.Either<Server, OpenStackError | UnknownVm> = yield* Effect.either(
            nova.server(request.vm)
          )
          if (polled._tag === "Left") {
            if (polled.left._tag === "UnknownVm") {
              return { result: "failed", detail: `the server ${request.vm} disappeared while migrating` }
            }
            lastError = describeFailure(polled.left)
          } else {
            const server = polled.right
            last = server
            const host = server["OS-EXT-SRV-ATTR:host"] ?? undefined
            const seenAt = { lastHost: host, lastStatus: server.status }
            if (server.status === "ERROR") {
              return { result: "vm-error", detail: `the server went to ERROR on ${host ?? "no host"}`, ...seenAt }
            }
            const settled = server["OS-EXT-STS:task_state"] === null && server.status !== "MIGRATING"
            if (!settled) {
              seenMigrating = true
            } else if (host === request.to) {
              return { result: "migrated", detail: `active on ${request.to}`, ...seenAt }
            } else if (host !== request.from) {
              return {
                result: "unexpected-host",
                detail: `the server is ${server.status} on ${host ?? "no host"}, neither ${request.from} nor ${request.to}`,
                ...seenAt
              }
            } else {
              unchangedPolls += 1
              const records = yield* Effect.either(nova.liveMigrations(request.vm))
              const newer =
                records._tag === "Right"
                  ? records.right.filter((record) => newestBefore === undefined || record.id > newestBefore)
                  : []
              const failedRecord = newer.findLast((record) => failedRecordStates.has(record.status))
              if (failedRecord !== undefined) {
                return {
                  result: "retryable",
                  detail: `Nova reported migration ${failedRecord.id} as ${failedRecord.status}; the server is still ${server.status} on ${request.from}`,
                  ...seenAt
                }
              }
              if (seenMigrating || unchangedPolls >= startGracePolls) {
                return {
                  result: "retryable",
                  detail: `the migration ended with the server still ${server.status} on ${request.from}`,
                  ...seenAt
                }
              }
            }
          }
          if (now >= deadline) {
            const where =
              last === undefined
                ? `never seen${lastError === undefined ? "" : ` (${lastError})`}`
                : `last seen ${last.status} on ${last["OS-EXT-SRV-ATTR:host"] ?? "no host"}`
            const aborted = yield* abortRunning(nova, request.vm, newestBefore)
            return {
              result: "timed-out",
              detail: `not finished within ${formatSeconds(migrationTimeoutSec(policy, request.ramMb))} s; ${where}; ${aborted}`,
              lastHost: last?.["OS-EXT-SRV-ATTR:host"] ?? undefined,
              lastStatus: last?.status
            }
          }
        }
      })

    const runOne = (request: MigrationRequest): Effect.Effect<MigrationOutcome> =>
      Effect.gen(function* () {
        const firstStart = yield* Clock.currentTimeMillis
        const migration: Migration = { vm: request.vm, from: request.from, to: request.to }
        let attempt = 1
        while (true) {
          const startedAtMs = yield* Clock.currentTimeMillis
          const end = yield* attemptOnce(request)
          const finishedAtMs = yield* Clock.currentTimeMillis
          yield* log.record({ ...migration, attempt, startedAtMs, finishedAtMs, ...end })
          if (end.result === "vm-error" || end.result === "unexpected-host" || end.result === "timed-out") {
            // The VM needs an operator's look; it is never migrated again blindly.
            yield* Effect.logWarning(
              `migration of ${request.vm} from ${request.from} to ${request.to}: ${end.detail}`
            ).pipe(Effect.annotateLogs({ service: "Nova", vm: request.vm, result: end.result }))
          }
          if (end.result === "migrated") {
            return { _tag: "Migrated", migration, seconds: (finishedAtMs - firstStart) / 1000 } as const
          }
          if (end.result !== "retryable" || attempt > policy.retries) {
            const tries = attempt === 1 ? "" : ` (after ${attempt} attempts)`
            return { _tag: "MigrationFailed", migration, reason: `${end.detail}${tries}` } as const
          }
          attempt += 1
          yield* Effect.sleep(`${Math.round(backoffBeforeSec(policy, attempt) * 1000)} millis`)
        }
      }).pipe(Effect.withSpan("Nova.migrate", { attributes: { vm: request.vm, from: request.from, to: request.to } }))

    return {
      run: (requests, onOutcome) =>
        Effect.forEach(
          requests,
          (request) => {
            const ran = withPermits(request, runOne(request))
            return onOutcome === undefined ? ran : Effect.tap(ran, onOutcome)
          },
          { concurrency: "unbounded" }
        )
    }
  })
