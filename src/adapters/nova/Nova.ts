/**
 * The Nova calls the adapter makes: hypervisors, compute services, servers (all projects, with
 * their host), server groups (all projects), flavors, live migration and its records, and enabling or disabling a compute
 * service. Unknown servers and hosts come back as the shared `UnknownVm` / `UnknownHost`.
 */
import { HttpClient } from "@effect/platform"
import { Context, Effect, Layer, type Schema } from "effect"
import { UnknownHost, UnknownVm } from "../../core/errors.js"
import type { OpenStackError } from "./errors.js"
import { Keystone } from "./Keystone.js"
import {
  type ComputeService,
  decodeBody,
  type Flavor,
  FlavorList,
  type Hypervisor,
  HypervisorList,
  MigrationList,
  type MigrationRecord,
  type NovaServerGroup,
  type Server,
  ServerGroupList,
  ServerList,
  ServerOne,
  ServiceList,
  ServiceOne
} from "./NovaModels.js"
import { makeNovaSend, type NovaRequestOptions, type NovaSend } from "./NovaRequest.js"

/** How a live migration treats disks: "auto" lets Nova choose (shared storage or block copy). */
export type BlockMigration = "auto" | boolean

export interface NovaApi {
  readonly hypervisors: Effect.Effect<ReadonlyArray<Hypervisor>, OpenStackError>
  /** The nova-compute services, one per compute host. */
  readonly computeServices: Effect.Effect<ReadonlyArray<ComputeService>, OpenStackError>
  /** Every server of every project (all pages). */
  readonly servers: Effect.Effect<ReadonlyArray<Server>, OpenStackError>
  readonly server: (id: string) => Effect.Effect<Server, OpenStackError | UnknownVm>
  readonly flavors: Effect.Effect<ReadonlyArray<Flavor>, OpenStackError>
  /** Every server group of every project, with its policy and members (all pages). */
  readonly serverGroups: Effect.Effect<ReadonlyArray<NovaServerGroup>, OpenStackError>
  /** Asks for a live migration (202); it runs asynchronously, see `liveMigrations` and `server`. */
  readonly liveMigrate: (
    id: string,
    host: string,
    blockMigration: BlockMigration
  ) => Effect.Effect<void, OpenStackError | UnknownVm | UnknownHost>
  /** The live-migration records of a server, newest last. */
  readonly liveMigrations: (id: string) => Effect.Effect<ReadonlyArray<MigrationRecord>, OpenStackError>
  /**
   * Asks Nova to abort a running live migration of a server (`DELETE
   * /servers/{id}/migrations/{migration_id}`, microversion 2.24 or later; 202). Nova refuses (400)
   * once the migration is past the point where it can be stopped, and answers 404 for one that
   * has ended.
   */
  readonly abortLiveMigration: (id: string, migrationId: number) => Effect.Effect<void, OpenStackError>
  /** Enables a compute service, or disables it with a reason shown to operators. */
  readonly setServiceStatus: (
    serviceId: string,
    status: { readonly enabled: true } | { readonly enabled: false; readonly reason: string }
  ) => Effect.Effect<ComputeService, OpenStackError>
}

export class Nova extends Context.Tag("neat/nova/Nova")<Nova, NovaApi>() {}

/** Server groups asked per page: Nova's default `max_limit`, so that one page is the usual case. */
const serverGroupPage = 1000

const unknownHostMessage = /Compute host (\S+) could not be found/

/** The Nova operations over one request function (so tests can give it any transport). */
export const makeNovaApi = (send: NovaSend): NovaApi => {
  const get = <A, I>(path: string, schema: Schema.Schema<A, I>) =>
    Effect.suspend(() =>
      Effect.flatMap(send({ method: "GET", path }), (answer) => decodeBody(schema)(answer.request, answer.json))
    )

  const serversPage = (path: string): Effect.Effect<ReadonlyArray<Server>, OpenStackError> =>
    Effect.gen(function* () {
      const page = yield* get(path, ServerList)
      const next = page.servers_links.find((link) => link.rel === "next")
      if (next === undefined || page.servers.length === 0) return page.servers
      const url = new URL(next.href)
      const marker = url.searchParams.get("marker")
      if (marker === null) return page.servers
      const rest = yield* serversPage(`/servers/detail?all_tenants=1&marker=${encodeURIComponent(marker)}`)
      return [...page.servers, ...rest]
    })

  // os-server-groups pages by offset and has no next link: read until a page comes back short.
  const serverGroupsFrom = (offset: number): Effect.Effect<ReadonlyArray<NovaServerGroup>, OpenStackError> =>
    Effect.flatMap(
      get(`/os-server-groups?all_projects=True&limit=${serverGroupPage}&offset=${offset}`, ServerGroupList),
      (page) =>
        page.server_groups.length < serverGroupPage
          ? Effect.succeed(page.server_groups)
          : Effect.map(serverGroupsFrom(offset + serverGroupPage), (rest) => [...page.server_groups, ...rest])
    )

  return {
    hypervisors: Effect.map(get("/os-hypervisors/detail", HypervisorList), (body) => body.hypervisors),
    computeServices: Effect.map(get("/os-services?binary=nova-compute", ServiceList), (body) => body.services),
    servers: serversPage("/servers/detail?all_tenants=1"),
    server: (id) =>
      get(`/servers/${encodeURIComponent(id)}`, ServerOne).pipe(
        Effect.map((body) => body.server),
        Effect.catchIf(
          (error) => error._tag === "OpenStackHttpError" && error.status === 404,
          () => Effect.fail(new UnknownVm({ vm: id }))
        )
      ),
    flavors: Effect.map(get("/flavors/detail", FlavorList), (body) => body.flavors),
    serverGroups: serverGroupsFrom(0),
    liveMigrate: (id, host, blockMigration) =>
      send({
        method: "POST",
        path: `/servers/${encodeURIComponent(id)}/action`,
        body: { "os-migrateLive": { host, block_migration: blockMigration } }
      }).pipe(
        Effect.asVoid,
        Effect.catchIf(
          (error) => error._tag === "OpenStackHttpError" && error.status === 404,
          () => Effect.fail(new UnknownVm({ vm: id }))
        ),
        Effect.catchIf(
          (error) =>
            error._tag === "OpenStackHttpError" && error.status === 400 && unknownHostMessage.test(error.message),
          () => Effect.fail(new UnknownHost({ host }))
        )
      ),
    liveMigrations: (id) =>
      get(`/os-migrations?instance_uuid=${encodeURIComponent(id)}&migration_type=live-migration`, MigrationList).pipe(
        Effect.map((body) => [...body.migrations].sort((a, b) => a.id - b.id))
      ),
    abortLiveMigration: (id, migrationId) =>
      send({
        method: "DELETE",
        path: `/servers/${encodeURIComponent(id)}/migrations/${encodeURIComponent(String(migrationId))}`
      }).pipe(Effect.asVoid),
    setServiceStatus: (serviceId, status) =>
      send({
        method: "PUT",
        path: `/os-services/${encodeURIComponent(serviceId)}`,
        body: status.enabled ? { status: "enabled" } : { status: "disabled", disabled_reason: status.reason }
      }).pipe(
        Effect.flatMap((answer) => decodeBody(ServiceOne)(answer.request, answer.json)),
        Effect.map((b) => b.service)
      )
  }
}

export const NovaLive = (options: NovaRequestOptions): Layer.Layer<Nova, never, Keystone | HttpClient.HttpClient> =>
  Layer.effect(
    Nova,
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const keystone = yield* Keystone
      return makeNovaApi(makeNovaSend(client, keystone, options))
    })
  )
