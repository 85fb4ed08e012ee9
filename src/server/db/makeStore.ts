/** The Store operations over a Kysely instance: OpenStack Neat's operations plus the decision log. */
import { Effect, type Scope } from "effect"
import type { Kysely } from "kysely"
import { UnknownHost } from "../../core/errors.js"
import type { StoreConnection } from "../../core/StoreConnection.js"
import { makeDecisionLog } from "./decisionLog.js"
import { makeIntentRecords } from "./intentRecords.js"
import { makeLiveCloudRecords } from "./liveCloudRecords.js"
import { makePlanRecords } from "./planRecords.js"
import { recentVmHistory } from "./recentVmHistory.js"
import type { HostStateFlag, StoreService } from "./Store.js"
import type { StoreError } from "./StoreError.js"
import { makeStoreProbe } from "./storeProbe.js"
import { type Db, inBatches, readTime, registeredVmId, run, withNow } from "./storeQueries.js"
import type { StoreTables } from "./Tables.js"
import { makeVmPlacements } from "./vmPlacements.js"

/** Hosts and VMs whose row ids the store remembers for recording migrations. */
const knownIdsCapacity = 100_000

/** Builds the service; `open` yields the migrated database for the life of the scope. */
export const makeStore = (
  open: Effect.Effect<Kysely<StoreTables>, StoreError, Scope.Scope>,
  dialect: StoreConnection["dialect"]
): Effect.Effect<StoreService, StoreError, Scope.Scope> =>
  Effect.map(open, (db): StoreService => {
    const vmId = registeredVmId

    /** The ids of many VMs, registering new ones: two statements per chunk, whatever the count. */
    const vmIds = async (tx: Db, uuids: ReadonlyArray<string>): Promise<Map<string, number>> => {
      const ids = new Map<string, number>()
      // Sorted, so concurrent writers take row locks in the same order (no deadlock on PostgreSQL).
      const unique = [...new Set(uuids)].sort()
      await inBatches(unique, async (chunk) => {
        await tx
          .insertInto("vms")
          .values(chunk.map((uuid) => ({ uuid })))
          .onConflict((oc) => oc.column("uuid").doNothing())
          .execute()
        const rows = await tx.selectFrom("vms").select(["id", "uuid"]).where("uuid", "in", chunk).execute()
        for (const row of rows) ids.set(row.uuid, Number(row.id))
      })
      return ids
    }

    const hostId = async (tx: Db, hostname: string): Promise<number | undefined> => {
      const row = await tx.selectFrom("hosts").select("id").where("hostname", "=", hostname).executeTakeFirst()
      return row === undefined ? undefined : Number(row.id)
    }

    /** Row ids of hosts and VMs that a committed migration record used. */
    const knownHostIds = new Map<string, number>()
    const knownVmIds = new Map<string, number>()

    /** Runs `query` with the id of a registered host, failing with UnknownHost otherwise. */
    const withHost = (
      operation: string,
      hostname: string,
      query: (tx: Db, id: number, now: string) => Promise<void>
    ): Effect.Effect<void, StoreError | UnknownHost> =>
      Effect.flatMap(
        withNow(operation, (now) =>
          db.transaction().execute(async (tx) => {
            const id = await hostId(tx, hostname)
            if (id === undefined) return false
            await query(tx, id, now)
            return true
          })
        ),
        (found) => (found ? Effect.void : Effect.fail(new UnknownHost({ host: hostname })))
      )

    const hostStates = async (): Promise<Record<string, HostStateFlag>> => {
      const rows = await db
        .selectFrom("hosts")
        .select((eb) => [
          "hosts.hostname",
          eb
            .selectFrom("host_states")
            .select("host_states.state")
            .whereRef("host_states.host_id", "=", "hosts.id")
            .orderBy("host_states.id", "desc")
            .limit(1)
            .as("state")
        ])
        .orderBy("hosts.hostname")
        .execute()
      const states: Record<string, HostStateFlag> = {}
      for (const row of rows) states[row.hostname] = row.state === null || Number(row.state) !== 0 ? 1 : 0
      return states
    }

    return {
      selectCpuMhzForVm: (uuid, n) =>
        run("selectCpuMhzForVm", async () => {
          const rows = await db
            .selectFrom("vm_resource_usage")
            .innerJoin("vms", "vms.id", "vm_resource_usage.vm_id")
            .select("vm_resource_usage.cpu_mhz")
            .where("vms.uuid", "=", uuid)
            .orderBy("vm_resource_usage.id", "desc")
            .limit(Math.max(0, Math.floor(n)))
            .execute()
          return rows.map((row) => Number(row.cpu_mhz)).reverse()
        }),

      selectCpuMhzForVms: (uuids, n) =>
        run("selectCpuMhzForVms", async () => {
          const result: Record<string, Array<number>> = {}
          for (const uuid of uuids) result[uuid] = []
          const limit = Math.max(0, Math.floor(n))
          const unique = [...new Set(uuids)]
          if (limit === 0) return result
          // Chunks keep the IN list far below both dialects' bound-parameter limits.
          await inBatches(unique, async (chunk) => {
            const rows = await recentVmHistory(db, dialect, chunk, limit)
            for (const row of rows) result[row.uuid]?.push(Number(row.cpu_mhz))
          })
          return result
        }),

      selectLastCpuMhzForVms: () =>
        run("selectLastCpuMhzForVms", async () => {
          const rows = await db
            .selectFrom("vms")
            .select((eb) => [
              "vms.uuid",
              eb
                .selectFrom("vm_resource_usage")
                .select("vm_resource_usage.cpu_mhz")
                .whereRef("vm_resource_usage.vm_id", "=", "vms.id")
                .orderBy("vm_resource_usage.id", "desc")
                .limit(1)
                .as("cpu_mhz")
            ])
            .execute()
          const result: Record<string, number> = {}
          for (const row of rows) result[row.uuid] = row.cpu_mhz === null ? 0 : Number(row.cpu_mhz)
          return result
        }),

      selectVmId: (uuid) => run("selectVmId", () => vmId(db, uuid)),

      insertVmCpuMhz: (data) =>
        withNow("insertVmCpuMhz", async (now) => {
          const entries = Object.entries(data)
          if (entries.length === 0) return
          await db.transaction().execute(async (tx) => {
            const ids = await vmIds(
              tx,
              entries.map(([uuid]) => uuid)
            )
            const rows = entries.map(([uuid, cpuMhz]) => ({
              vm_id: ids.get(uuid)!,
              cpu_mhz: Math.round(cpuMhz),
              timestamp: now
            }))
            await inBatches(rows, async (chunk) => {
              await tx.insertInto("vm_resource_usage").values(chunk).execute()
            })
          })
        }),

      updateHost: (hostname, cpuMhz, cpuCores, ram) =>
        run("updateHost", async () => {
          const values = { cpu_mhz: Math.round(cpuMhz), cpu_cores: Math.round(cpuCores), ram: Math.round(ram) }
          // No RETURNING: MySQL has none, and its insert id is not the row's on an update.
          await db
            .insertInto("hosts")
            .values({ hostname, ...values })
            .onConflict((oc) => oc.column("hostname").doUpdateSet(values))
            .execute()
          const row = await db
            .selectFrom("hosts")
            .select("id")
            .where("hostname", "=", hostname)
            .executeTakeFirstOrThrow()
          return Number(row.id)
        }),

      selectHostId: (hostname) =>
        Effect.flatMap(
          run("selectHostId", () => hostId(db, hostname)),
          (id) => (id === undefined ? Effect.fail(new UnknownHost({ host: hostname })) : Effect.succeed(id))
        ),

      selectHostIds: () =>
        run("selectHostIds", async () => {
          const rows = await db.selectFrom("hosts").select(["id", "hostname"]).orderBy("hostname").execute()
          return Object.fromEntries(rows.map((row) => [row.hostname, Number(row.id)]))
        }),

      selectHostCharacteristics: () =>
        run("selectHostCharacteristics", async () => {
          const rows = await db.selectFrom("hosts").selectAll().orderBy("hostname").execute()
          const cpuMhz: Record<string, number> = {}
          const cpuCores: Record<string, number> = {}
          const ram: Record<string, number> = {}
          for (const row of rows) {
            cpuMhz[row.hostname] = Number(row.cpu_mhz)
            cpuCores[row.hostname] = Number(row.cpu_cores)
            ram[row.hostname] = Number(row.ram)
          }
          return { cpuMhz, cpuCores, ram }
        }),

      insertHostCpuMhz: (hostname, cpuMhz) =>
        withHost("insertHostCpuMhz", hostname, async (tx, id, now) => {
          await tx
            .insertInto("host_resource_usage")
            .values({ host_id: id, cpu_mhz: Math.round(cpuMhz), timestamp: now })
            .execute()
        }),

      selectCpuMhzForHost: (hostname, n) =>
        run("selectCpuMhzForHost", async () => {
          const rows = await db
            .selectFrom("host_resource_usage")
            .innerJoin("hosts", "hosts.id", "host_resource_usage.host_id")
            .select("host_resource_usage.cpu_mhz")
            .where("hosts.hostname", "=", hostname)
            .orderBy("host_resource_usage.id", "desc")
            .limit(Math.max(0, Math.floor(n)))
            .execute()
          return rows.map((row) => Number(row.cpu_mhz)).reverse()
        }),

      selectLastCpuMhzForHosts: () =>
        run("selectLastCpuMhzForHosts", async () => {
          const rows = await db
            .selectFrom("hosts")
            .select((eb) => [
              "hosts.hostname",
              eb
                .selectFrom("host_resource_usage")
                .select("host_resource_usage.cpu_mhz")
                .whereRef("host_resource_usage.host_id", "=", "hosts.id")
                .orderBy("host_resource_usage.id", "desc")
                .limit(1)
                .as("cpu_mhz")
            ])
            .execute()
          const result: Record<string, number> = {}
          for (const row of rows) result[row.hostname] = row.cpu_mhz === null ? 0 : Number(row.cpu_mhz)
          return result
        }),

      insertHostStates: (states) =>
        Effect.flatMap(
          withNow("insertHostStates", (now) =>
            db.transaction().execute(async (tx) => {
              const rows = []
              for (const [hostname, state] of Object.entries(states)) {
                const id = await hostId(tx, hostname)
                if (id === undefined) return hostname
                rows.push({ host_id: id, state, timestamp: now })
              }
              if (rows.length > 0) await tx.insertInto("host_states").values(rows).execute()
              return undefined
            })
          ),
          (missing) => (missing === undefined ? Effect.void : Effect.fail(new UnknownHost({ host: missing })))
        ),

      selectHostStates: () => run("selectHostStates", hostStates),

      selectActiveHosts: () =>
        run("selectActiveHosts", async () =>
          Object.entries(await hostStates())
            .filter(([, state]) => state === 1)
            .map(([host]) => host)
        ),

      selectInactiveHosts: () =>
        run("selectInactiveHosts", async () =>
          Object.entries(await hostStates())
            .filter(([, state]) => state === 0)
            .map(([host]) => host)
        ),

      insertHostOverload: (hostname, overload) =>
        withHost("insertHostOverload", hostname, async (tx, id, now) => {
          await tx
            .insertInto("host_overload")
            .values({ host_id: id, overload: overload ? 1 : 0, timestamp: now })
            .execute()
        }),

      insertVmMigration: (vm, hostname) =>
        Effect.suspend(() => {
          // Host and VM rows are never deleted, so ids learnt from a committed write stay true: a
          // busy global manager records a migration in one statement.
          const knownHost = knownHostIds.get(hostname)
          const knownVm = knownVmIds.get(vm)
          if (knownHost !== undefined && knownVm !== undefined) {
            return withNow("insertVmMigration", async (now) => {
              await db
                .insertInto("vm_migrations")
                .values({ vm_id: knownVm, host_id: knownHost, timestamp: now })
                .execute()
            })
          }
          let learnt: { host: number; vm: number } | undefined
          return withHost("insertVmMigration", hostname, async (tx, id, now) => {
            const vmRow = await vmId(tx, vm)
            await tx.insertInto("vm_migrations").values({ vm_id: vmRow, host_id: id, timestamp: now }).execute()
            learnt = { host: id, vm: vmRow }
          }).pipe(
            Effect.tap(() => {
              if (learnt === undefined || knownVmIds.size >= knownIdsCapacity) return
              knownHostIds.set(hostname, learnt.host)
              knownVmIds.set(vm, learnt.vm)
            })
          )
        }),

      cleanupVmResourceUsage: (threshold) =>
        run("cleanupVmResourceUsage", async () => {
          const result = await db
            .deleteFrom("vm_resource_usage")
            .where("timestamp", "<", threshold.toISOString())
            .executeTakeFirst()
          return Number(result.numDeletedRows)
        }),

      cleanupHostResourceUsage: (threshold) =>
        run("cleanupHostResourceUsage", async () => {
          const result = await db
            .deleteFrom("host_resource_usage")
            .where("timestamp", "<", threshold.toISOString())
            .executeTakeFirst()
          return Number(result.numDeletedRows)
        }),

      selectHostOverloads: (hostname) =>
        run("selectHostOverloads", async () => {
          let select = db
            .selectFrom("host_overload")
            .innerJoin("hosts", "hosts.id", "host_overload.host_id")
            .select(["hosts.hostname", "host_overload.overload", "host_overload.timestamp"])
            .orderBy("host_overload.id", "asc")
          if (hostname !== undefined) select = select.where("hosts.hostname", "=", hostname)
          const rows = await select.execute()
          return rows.map((row) => ({
            host: row.hostname,
            overload: Number(row.overload) !== 0,
            timestamp: readTime(row.timestamp)
          }))
        }),

      ...makeDecisionLog(db),
      ...makeLiveCloudRecords(db),
      ...makeVmPlacements(db, vmIds),
      ...makePlanRecords(db),
      ...makeIntentRecords(db),
      ...makeStoreProbe(db)
    }
  })
