/**
 * An in-memory Nova whose live migrations follow a script per attempt, for testing the execution
 * policy without a cloud: how many polls a migration takes, how it ends, what the POST answers.
 */
import { Effect } from "effect"
import type { OpenStackError } from "../../src/adapters/nova/errors.js"
import type { NovaApi } from "../../src/adapters/nova/Nova.js"
import type { ComputeService, MigrationRecord, Server } from "../../src/adapters/nova/NovaModels.js"
import { UnknownVm } from "../../src/core/errors.js"

export type MigrationScript =
  | { readonly kind: "complete"; readonly polls: number }
  | { readonly kind: "rollback"; readonly polls: number }
  | { readonly kind: "error"; readonly polls: number }
  | { readonly kind: "elsewhere"; readonly polls: number; readonly host: string }
  | { readonly kind: "hang" }
  | { readonly kind: "reject"; readonly error: OpenStackError }
  /** The POST takes effect, but its answer is lost (a reset or timeout). */
  | { readonly kind: "lost-answer"; readonly afterwards: MigrationScript; readonly error: OpenStackError }

interface ServerState {
  status: string
  host: string
  task: string | null
  ram: number
  script?: MigrationScript | undefined
  target?: string | undefined
  pollsLeft: number
}

export interface ScriptedNova {
  readonly api: NovaApi
  /** POSTs received per VM. */
  readonly posts: Map<string, number>
  /** Highest number of migrations in flight at once, overall and per host. */
  readonly maxInFlight: () => number
  readonly maxInFlightPerHost: () => number
  readonly hostOf: (vm: string) => string | undefined
  /** Abort requests received: VM and migration id. */
  readonly aborts: Array<{ readonly vm: string; readonly migrationId: number }>
}

export const scriptedNova = (
  servers: Readonly<Record<string, { host: string; ram: number }>>,
  scriptFor: (vm: string, attempt: number) => MigrationScript
): ScriptedNova => {
  const state = new Map<string, ServerState>(
    Object.entries(servers).map(([id, s]) => [
      id,
      { status: "ACTIVE", host: s.host, task: null, ram: s.ram, pollsLeft: 0 }
    ])
  )
  const records: Array<MigrationRecord & { vm: string }> = []
  const posts = new Map<string, number>()
  const aborts: Array<{ vm: string; migrationId: number }> = []
  let maxInFlight = 0
  let maxPerHost = 0
  const inFlight = () => [...state.values()].filter((s) => s.task !== null)
  const track = () => {
    const flying = inFlight()
    maxInFlight = Math.max(maxInFlight, flying.length)
    const perHost = new Map<string, number>()
    for (const s of flying) {
      for (const h of new Set([s.host, s.target ?? s.host])) perHost.set(h, (perHost.get(h) ?? 0) + 1)
    }
    maxPerHost = Math.max(maxPerHost, ...perHost.values(), 0)
  }
  const view = (id: string, s: ServerState): Server => ({
    id,
    name: id,
    status: s.status,
    "OS-EXT-SRV-ATTR:host": s.host,
    "OS-EXT-STS:task_state": s.task,
    flavor: { ram: s.ram, vcpus: 1 }
  })
  const start = (id: string, s: ServerState, target: string, script: MigrationScript) => {
    s.script = script
    s.target = target
    s.status = "MIGRATING"
    s.task = "migrating"
    s.pollsLeft = "polls" in script ? script.polls : Number.POSITIVE_INFINITY
    records.push({
      id: records.length + 1,
      vm: id,
      status: "running",
      source_compute: s.host,
      dest_compute: target,
      migration_type: "live-migration"
    })
    track()
  }
  const settle = (id: string, s: ServerState) => {
    const script = s.script
    if (script === undefined || s.task === null) return
    if (s.pollsLeft > 0) {
      s.pollsLeft -= 1
      return
    }
    const record = records.findLast((r) => r.vm === id)
    const finish = (status: string, host: string, recordStatus: string) => {
      s.status = status
      s.host = host
      s.task = null
      s.script = undefined
      if (record !== undefined) records[records.indexOf(record)] = { ...record, status: recordStatus }
    }
    switch (script.kind) {
      case "complete":
        return finish("ACTIVE", s.target ?? s.host, "completed")
      case "rollback":
        return finish("ACTIVE", s.host, "error")
      case "error":
        return finish("ERROR", s.host, "error")
      case "elsewhere":
        return finish("ACTIVE", script.host, "completed")
      default:
        return
    }
  }
  const api: NovaApi = {
    hypervisors: Effect.succeed([]),
    computeServices: Effect.succeed([] as ReadonlyArray<ComputeService>),
    servers: Effect.sync(() => [...state.entries()].map(([id, s]) => view(id, s))),
    server: (id) =>
      Effect.suspend(() => {
        const s = state.get(id)
        if (s === undefined) return Effect.fail(new UnknownVm({ vm: id }))
        settle(id, s)
        return Effect.succeed(view(id, s))
      }),
    flavors: Effect.succeed([]),
    serverGroups: Effect.succeed([]),
    liveMigrate: (id, host) =>
      Effect.suspend((): Effect.Effect<void, OpenStackError | UnknownVm> => {
        const s = state.get(id)
        if (s === undefined) return Effect.fail(new UnknownVm({ vm: id }))
        const attempt = (posts.get(id) ?? 0) + 1
        posts.set(id, attempt)
        const script = scriptFor(id, attempt)
        if (script.kind === "reject") return Effect.fail(script.error)
        if (script.kind === "lost-answer") {
          start(id, s, host, script.afterwards)
          return Effect.fail(script.error)
        }
        start(id, s, host, script)
        return Effect.void
      }),
    liveMigrations: (id) => Effect.sync(() => records.filter((r) => r.vm === id)),
    abortLiveMigration: (id, migrationId) =>
      Effect.sync(() => {
        aborts.push({ vm: id, migrationId })
        const s = state.get(id)
        const index = records.findIndex((r) => r.vm === id && r.id === migrationId)
        // Nova rolls the migration back: the server stays where it was.
        if (s !== undefined && index >= 0 && records[index]!.status === "running") {
          records[index] = { ...records[index]!, status: "cancelled" }
          s.status = "ACTIVE"
          s.task = null
          s.script = undefined
        }
      }),
    setServiceStatus: () => Effect.dieMessage("not scripted")
  }
  return {
    api,
    posts,
    maxInFlight: () => maxInFlight,
    maxInFlightPerHost: () => maxPerHost,
    hostOf: (vm) => state.get(vm)?.host,
    aborts
  }
}
