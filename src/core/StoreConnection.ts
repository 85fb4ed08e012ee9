/**
 * Where a database lives, parsed from Neat's `sql_connection` option or a sweep's `--store`.
 * Accepted forms: SQLAlchemy-style SQLite URLs (`sqlite://` and `sqlite:///:memory:` in memory,
 * `sqlite:///relative.db`, `sqlite:////absolute.db`), `sqlite:PATH`, a plain file path or `:memory:`,
 * and `postgresql://` / `postgres://` URLs (a `+driver` suffix such as `postgresql+psycopg2://` is
 * ignored).
 */
import { Either } from "effect"

export type StoreConnection =
  | { readonly dialect: "sqlite"; readonly path: string }
  | { readonly dialect: "postgres"; readonly url: string }

/** In-memory SQLite: one private database per connection. */
export const sqliteInMemory = ":memory:"

/** Parses a connection string; `Left` carries the reason it is not usable. */
export const parseStoreConnection = (value: string): Either.Either<StoreConnection, string> => {
  const text = value.trim()
  if (text === "") return Either.left("is empty: give a sqlite:/// path, a file path or a postgresql:// URL")
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
  if (name === "mysql") return Either.left("MySQL is not supported: use sqlite:///path or postgresql://user@host/db")
  return Either.left(`unsupported database '${name}': use sqlite:///path or postgresql://user@host/db`)
}

/** The connection without its password, for logs and error messages. */
export const describeStoreConnection = (connection: StoreConnection): string => {
  if (connection.dialect === "sqlite") return `sqlite ${connection.path}`
  const url = new URL(connection.url)
  if (url.password !== "") url.password = "***"
  return url.toString()
}
