/**
 * The parts of Nova's answers the adapter reads, as Schemas (microversions 2.53 to 2.87: UUID
 * service ids, embedded server flavors, hypervisor memory fields). Unknown fields are ignored.
 */
import { Effect, Schema } from "effect"
import { parseErrorLine } from "../../core/schemaErrors.js"
import { OpenStackDecodeError, type RequestDescription } from "./errors.js"

const NullableString = Schema.NullOr(Schema.String)

export const Hypervisor = Schema.Struct({
  id: Schema.String,
  hypervisor_hostname: Schema.String,
  state: Schema.String,
  status: Schema.String,
  vcpus: Schema.Number,
  memory_mb: Schema.Number,
  service: Schema.Struct({ id: Schema.String, host: Schema.String })
})
export type Hypervisor = typeof Hypervisor.Type

export const ComputeService = Schema.Struct({
  id: Schema.String,
  binary: Schema.String,
  host: Schema.String,
  /** "enabled" or "disabled": whether the scheduler may place VMs on the host. */
  status: Schema.String,
  /** "up" or "down": whether the service reported within Nova's service_down_time. */
  state: Schema.String,
  disabled_reason: Schema.optionalWith(NullableString, { default: () => null }),
  forced_down: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type ComputeService = typeof ComputeService.Type

export const Server = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  "OS-EXT-SRV-ATTR:host": Schema.optionalWith(NullableString, { default: () => null }),
  "OS-EXT-STS:task_state": Schema.optionalWith(NullableString, { default: () => null }),
  flavor: Schema.Struct({ ram: Schema.Number, vcpus: Schema.Number })
})
export type Server = typeof Server.Type

export const Flavor = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  ram: Schema.Number,
  vcpus: Schema.Number
})
export type Flavor = typeof Flavor.Type

/** A record of `/os-migrations`: status "completed", "error", "failed", "running", ... */
export const MigrationRecord = Schema.Struct({
  id: Schema.Number,
  status: Schema.String,
  source_compute: Schema.optionalWith(NullableString, { default: () => null }),
  dest_compute: Schema.optionalWith(NullableString, { default: () => null }),
  migration_type: Schema.optionalWith(NullableString, { default: () => null })
})
export type MigrationRecord = typeof MigrationRecord.Type

/**
 * A server group of `/os-server-groups`: `policy` (one name) from microversion 2.64, `policies` (a
 * list of one) before; `members` are server UUIDs.
 */
export const NovaServerGroup = Schema.Struct({
  id: Schema.String,
  name: Schema.optionalWith(NullableString, { default: () => null }),
  policy: Schema.optional(Schema.String),
  policies: Schema.optional(Schema.Array(Schema.String)),
  members: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type NovaServerGroup = typeof NovaServerGroup.Type

/** The group's policy name in either microversion's form, undefined when it names none. */
export const serverGroupPolicyName = (group: NovaServerGroup): string | undefined => group.policy ?? group.policies?.[0]

const Link = Schema.Struct({ rel: Schema.String, href: Schema.String })

export const HypervisorList = Schema.Struct({ hypervisors: Schema.Array(Hypervisor) })
export const ServiceList = Schema.Struct({ services: Schema.Array(ComputeService) })
export const ServiceOne = Schema.Struct({ service: ComputeService })
export const ServerList = Schema.Struct({
  servers: Schema.Array(Server),
  servers_links: Schema.optionalWith(Schema.Array(Link), { default: () => [] })
})
export const ServerOne = Schema.Struct({ server: Server })
export const FlavorList = Schema.Struct({ flavors: Schema.Array(Flavor) })
export const ServerGroupList = Schema.Struct({ server_groups: Schema.Array(NovaServerGroup) })
export const MigrationList = Schema.Struct({ migrations: Schema.Array(MigrationRecord) })

/** Decodes an answer's body, naming the request and the offending field when it does not fit. */
export const decodeBody =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (request: RequestDescription, body: unknown): Effect.Effect<A, OpenStackDecodeError> =>
    Schema.decodeUnknown(schema, { errors: "first" })(body).pipe(
      Effect.mapError(
        (error) =>
          new OpenStackDecodeError({
            request,
            message: parseErrorLine(error).slice(0, 300)
          })
      )
    )
