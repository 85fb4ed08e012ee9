/**
 * Where a database lives, parsed from Neat's `sql_connection` option or a sweep's `--store`.
 * Accepted forms: SQLAlchemy-style SQLite URLs (`sqlite://` and `sqlite:///:memory:` in memory,
 * `sqlite:///relative.db`, `sqlite:////absolute.db`), `sqlite:PATH`, a plain file path or `:memory:`,
 * `postgresql://` / `postgres://` URLs and `mysql://` / `mariadb://` URLs (a `+driver` suffix such as
 * `postgresql+psycopg2://` or `mysql+mysqldb://`, as SQLAlchemy writes them in OpenStack Neat's neat.conf,
 * is ignored).
 */
import { Either } from "effect"

export type StoreConnection =
  | { readonly dialect: "sqlite"; readonly path: string }
  | { readonly dialect: "postgres"; readonly url: string }
  | { readonly dialect: "mysql"; readonly url: string }

/** What `sql_connection` accepts, for error messages. */
const acceptedForms = "use sqlite:///path, postgresql://user@host/db or mysql://user:password@host/db"

/**
 * Query parameters SQLAlchemy's MySQL URLs carry that mean something here (`charset`, `unix_socket`)
 * or nothing (`use_unicode`: mysql2 always decodes text).
 */
const mysqlParameters = new Set(["charset", "unix_socket", "use_unicode"])

/** In-memory SQLite: one private database per connection. */
export const sqliteInMemory = ":memory:"

/** Parses a connection string; `Left` carries the reason it is not usable. */
export const parseStoreConnection = (value: string): Either.Either<StoreConnection, string> => {
  const text = value.trim()
  if (text === "")
    return Either.left("is empty: give a sqlite:/// path, a file path, a postgresql:// or a mysql:// URL")
  // sqlite:PATH (no "//"): the file PATH.
  const bare = /^sqlite:(?!\/\/)/i.exec(text)
  if (bare !== null) return Either.right({ dialect: "sqlite", path: text.slice(bare[0].length) })
  const scheme = /^([a-zA-Z][a-zA-Z0-9]*)(\+[a-zA-Z0-9_]+)?:\/\//.exec(text)
  if (scheme === null) return Either.right({ dialect: "sqlite", path: text })
  const name = scheme[1]!.toLowerCase()
  const rest = text.slice(scheme[0].length)
  if (name === "sqlite") {
    // SQLAlchemy: sqlite:// is in memory, sqlite:///x is the relative path x, sqlite:////x is /x.
    if (rest === "" || rest === "/" || rest === "/:memory:")
      return Either.right({ dialect: "sqlite", path: sqliteInMemory })
    if (!rest.startsWith("/")) return Either.left(`sqlite URLs have no host: write sqlite:///${rest} (three slashes)`)
    return Either.right({ dialect: "sqlite", path: rest.slice(1) })
  }
  if (name === "postgresql" || name === "postgres") {
    const url = `postgresql://${rest}`
    try {
      const parsed = new URL(url)
      if (parsed.hostname === "" && !parsed.searchParams.has("host"))
        return Either.left("the PostgreSQL URL names no host")
    } catch {
      return Either.left("is not a valid PostgreSQL URL")
    }
    return Either.right({ dialect: "postgres", url })
  }
  if (name === "mysql" || name === "mariadb") {
    const url = `mysql://${rest}`
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return Either.left("is not a valid MySQL URL")
    }
    const unknown = [...parsed.searchParams.keys()].filter((key) => !mysqlParameters.has(key))
    if (unknown.length > 0)
      return Either.left(
        `has MySQL URL parameters Neat does not know: ${unknown.join(", ")} (known: ${[...mysqlParameters].join(", ")})`
      )
    if (parsed.hostname === "" && !parsed.searchParams.has("unix_socket"))
      return Either.left("the MySQL URL names no host")
    if (parsed.pathname.replace(/^\//, "") === "") return Either.left("the MySQL URL names no database: add /dbname")
    return Either.right({ dialect: "mysql", url })
  }
  return Either.left(`unsupported database '${name}': ${acceptedForms}`)
}

/** The connection without its password, for logs and error messages. */
export const describeStoreConnection = (connection: StoreConnection): string => {
  if (connection.dialect === "sqlite") return `sqlite ${connection.path}`
  const url = new URL(connection.url)
  if (url.password !== "") url.password = "***"
  return url.toString()
}
