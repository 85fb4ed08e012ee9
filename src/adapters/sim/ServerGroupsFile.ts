/**
 * Server groups for a simulation, from a JSON file beside the trace (`neat sim --server-groups FILE`):
 *
 *   { "groups": [ { "name": "web", "policy": "anti-affinity", "vms": ["vm-a", "vm-b"] } ] }
 *
 * `policy` is one of Nova's four; `vms` name VMs of the trace (PlanetLab file names, CSV `vm`
 * values). A VM belongs to one group at most, as in Nova. Every problem names the file and the
 * group, and the run does not start.
 */
import { readFile } from "node:fs/promises"
import { Effect, Schema } from "effect"
import { InputError } from "../../core/errors.js"
import { isServerGroupPolicy, type ServerGroup, serverGroupPolicies } from "../../core/ServerGroup.js"
import { parseErrorLine } from "../../core/schemaErrors.js"
import type { Trace } from "./Trace.js"

const GroupEntry = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(1)),
  policy: Schema.String,
  vms: Schema.Array(Schema.String)
})

const ServerGroupsDocument = Schema.Struct({ groups: Schema.Array(GroupEntry) })

/** VM name → its group (the group's id is its name). */
export type SimServerGroups = ReadonlyMap<string, ServerGroup>

/** Checks a decoded document against the trace's VMs. */
export const serverGroupsOf = (
  file: string,
  document: unknown,
  trace: Pick<Trace, "names">
): Effect.Effect<SimServerGroups, InputError> =>
  Effect.gen(function* () {
    const fail = (message: string) => new InputError({ file, message })
    const decoded = yield* Schema.decodeUnknown(ServerGroupsDocument, { errors: "first" })(document).pipe(
      Effect.mapError((error) =>
        fail(`not a server groups file ({"groups": [{"name", "policy", "vms"}]}): ${parseErrorLine(error)}`)
      )
    )
    const known = new Set(trace.names)
    const byVm = new Map<string, ServerGroup>()
    const names = new Set<string>()
    for (const entry of decoded.groups) {
      const where = `group ${JSON.stringify(entry.name)}`
      if (names.has(entry.name)) return yield* fail(`${where} is defined twice`)
      names.add(entry.name)
      if (!isServerGroupPolicy(entry.policy)) {
        return yield* fail(
          `${where}: policy ${JSON.stringify(entry.policy)} is not one of ${serverGroupPolicies.join(", ")}`
        )
      }
      if (entry.vms.length === 0) return yield* fail(`${where} has no VM`)
      const group: ServerGroup = { id: entry.name, name: entry.name, policy: entry.policy }
      for (const vm of entry.vms) {
        if (!known.has(vm)) return yield* fail(`${where}: VM ${JSON.stringify(vm)} is not in the trace`)
        const other = byVm.get(vm)
        if (other !== undefined) {
          return yield* fail(
            other.name === entry.name
              ? `${where} lists VM ${JSON.stringify(vm)} twice`
              : `VM ${JSON.stringify(vm)} is in group ${JSON.stringify(other.name)} and in ${where}: a VM belongs to one group`
          )
        }
        byVm.set(vm, group)
      }
    }
    return byVm
  })

/** Reads and checks a server groups file against the trace's VMs. */
export const loadServerGroups = (
  file: string,
  trace: Pick<Trace, "names">
): Effect.Effect<SimServerGroups, InputError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (cause) =>
        new InputError({ file, message: `cannot read it: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
    const document = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (cause) =>
        new InputError({ file, message: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
    return yield* serverGroupsOf(file, document, trace)
  })
