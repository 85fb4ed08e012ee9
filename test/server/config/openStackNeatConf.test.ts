/**
 * OpenStack Neat's own neat.conf (test/fixtures/openstack-neat, unchanged) is accepted as it stands:
 * its MySQL `sql_connection`, and MHOD parameters without `history_size`.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import mysql from "mysql2/promise"
import { afterAll, describe, expect, it } from "vitest"
import { mhodDefaultHistorySize } from "../../../src/algorithms/overload/mhod/params.js"
import { loadNeatConfig } from "../../../src/server/config/NeatConfig.js"
import { registryAlgorithmValidator } from "../../../src/server/config/registryValidator.js"
import { neat } from "../../support/neatCli.js"
import { projectRoot } from "../../support/projectRoot.js"
import { itWithRequirement, mysqlEnv } from "../../support/requirement.js"

const shipped = join(projectRoot, "test/fixtures/openstack-neat/neat.conf")

const load = (env: Record<string, string> = {}) =>
  Effect.runPromise(
    loadNeatConfig({
      configFile: shipped,
      env,
      validateAlgorithm: registryAlgorithmValidator({ timeStepSec: 300, migrationTimeSec: 10 })
    }).pipe(Effect.provide(NodeContext.layer))
  )

const directory = mkdtempSync(join(tmpdir(), "neat-openstack-conf-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("OpenStack Neat's shipped neat.conf", () => {
  it("loads unchanged, with the algorithms the registry builds", async () => {
    const config = await load()
    expect(config.sqlConnection).toEqual({ dialect: "mysql", url: "mysql://neat:neatpassword@controller/neat" })
    expect(config.computeHosts).toEqual(["compute1", "compute2", "compute3", "compute4"])
    expect(config.globalManagerPort).toBe(60080)
    expect(config.algorithms.overload.name).toBe("neat.locals.overload.mhod.core.mhod_factory")
    expect(config.algorithms.overload.params).toEqual({
      state_config: [0.8],
      otf: 0.1,
      window_sizes: [30, 40, 50, 60, 70, 80, 90, 100],
      bruteforce_step: 0.2,
      learning_steps: 30
    })
    expect(config.algorithms.placement.name).toBe("neat.globals.vm_placement.bin_packing.best_fit_decreasing_factory")
  })

  it("gives MHOD the history_size Neat's own file ships when the parameters leave it out", async () => {
    const { decodeMhodParams } = await import("../../../src/algorithms/overload/mhod/params.js")
    const config = await load()
    const params = decodeMhodParams(config.algorithms.overload.params)
    expect(params._tag).toBe("Right")
    if (params._tag === "Right") expect(params.right.history_size).toBe(mhodDefaultHistorySize)
    expect(mhodDefaultHistorySize).toBe(500)
  })

  itWithRequirement(
    "runs a service on it against a MySQL server, with only the connection's address changed by the environment",
    mysqlEnv,
    async ({ NEAT_TEST_MYSQL_URL: serverUrl }) => {
      const database = `neat_conf_${process.pid}_${Date.now().toString(36)}`
      const admin = await mysql.createConnection(serverUrl)
      try {
        await admin.query(`create database \`${database}\``)
        const url = new URL(serverUrl)
        url.pathname = `/${database}`
        // SQLAlchemy's spelling, as OpenStack Neat's deployments write it.
        const sqlalchemy = url.toString().replace(/^mysql:/, "mysql+mysqldb:")
        const run = await neat(["db-clean", "--config", shipped, "--once"], {
          env: { NEAT_SQL_CONNECTION: sqlalchemy, NEAT_LOG_DIRECTORY: directory }
        })
        expect(run.stderr).not.toContain("    at ")
        expect(run.status).toBe(0)
        const [rows] = await admin.query<Array<mysql.RowDataPacket>>(
          "select table_name as name from information_schema.tables where table_schema = ? order by table_name",
          [database]
        )
        expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(["decisions", "hosts", "vm_resource_usage"]))
        expect(readdirSync(directory)).toContain("db-cleaner.log")
      } finally {
        await admin.query(`drop database if exists \`${database}\``)
        await admin.end()
      }
    },
    60_000
  )
})
