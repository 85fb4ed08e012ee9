/**
 * Kysely's MySQL dialect, made to take the store's portable SQL as it stands, so that no query
 * module needs a MySQL branch (MariaDB and MySQL alike, through the mysql2 driver):
 * - `onConflict(...).doNothing()` becomes `on duplicate key update <column> = <column>` (a no-op
 *   update) and `doUpdateSet(...)` becomes `on duplicate key update ...`;
 * - `create index if not exists` loses its `if not exists`, which MySQL lacks: the migrator holds
 *   MySQL's migration lock, so a migration never runs twice there;
 * - every table is created `utf8mb4` with binary collation, so that names and UUIDs compare and sort
 *   byte for byte as in SQLite and PostgreSQL (MySQL's default collation ignores case);
 * - `returning` fails with a message naming the portable helper (`insertReturningId`), because
 *   Kysely would otherwise silently hand back no rows on MySQL.
 */
import {
  type CreateIndexNode,
  type CreateTableNode,
  MysqlDialect,
  type MysqlDialectConfig,
  MysqlQueryCompiler,
  type OnConflictNode,
  type QueryCompiler,
  type ReturningNode
} from "kysely"

class PortableMysqlQueryCompiler extends MysqlQueryCompiler {
  protected override visitOnConflict(node: OnConflictNode): void {
    this.append("on duplicate key update ")
    if (node.updates !== undefined && node.updates.length > 0) {
      this.compileList(node.updates)
      return
    }
    const column = node.columns?.[0]
    if (column === undefined)
      throw new Error("MySQL: onConflict needs a column to turn 'do nothing' into a no-op update")
    this.visitNode(column)
    this.append(" = ")
    this.visitNode(column)
  }

  protected override visitCreateIndex(node: CreateIndexNode): void {
    super.visitCreateIndex({ ...node, ifNotExists: false })
  }

  protected override visitCreateTable(node: CreateTableNode): void {
    super.visitCreateTable(node)
    if (node.selectQuery === undefined) this.append(" default character set utf8mb4 collate utf8mb4_bin")
  }

  protected override visitReturning(_node: ReturningNode): void {
    throw new Error("MySQL has no RETURNING: use insertReturningId (src/server/db/storeQueries.ts)")
  }
}

class PortableMysqlDialect extends MysqlDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PortableMysqlQueryCompiler()
  }
}

/** The dialect over a mysql2 pool (or a factory of one). */
export const portableMysqlDialect = (config: MysqlDialectConfig): MysqlDialect => new PortableMysqlDialect(config)
