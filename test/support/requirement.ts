/**
 * Tests that need something from outside the repository: shared material (`../shared` beside the
 * project root, or NEAT_SHARED_DIR) or a server whose address comes from environment variables
 * (exported by `.ci/services/*.sh`). When it is missing, a suite skips with a message saying what
 * is missing and how to provide it; when `CI` is set it fails with that message instead, so that a
 * missing server or file is never mistaken for a pass.
 */
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { describe, it } from "vitest"
import { projectRoot } from "./projectRoot.js"

/** What a suite needs: there (with what it found), or missing (with why). */
export type Requirement<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/** `CI` set to anything but "" or "false": missing requirements fail rather than skip. */
export const underCi = (): boolean => {
  const ci = process.env.CI ?? ""
  return ci !== "" && ci !== "false"
}

/** The shared read-only material: NEAT_SHARED_DIR, else `../shared` beside the project root. */
export const sharedDir = process.env.NEAT_SHARED_DIR ?? resolve(projectRoot, "../shared")

/** Paths relative to the shared directory; the value is their absolute paths, in order. */
export const sharedMaterial = <const P extends ReadonlyArray<string>>(
  ...relative: P
): Requirement<{ readonly [I in keyof P]: string }> => {
  const paths = relative.map((path) => join(sharedDir, path))
  const missing = paths.filter((path) => !existsSync(path))
  return missing.length === 0
    ? { ok: true, value: paths as unknown as { readonly [I in keyof P]: string } }
    : {
        ok: false,
        message: `shared material not found: ${missing.join(", ")} (set NEAT_SHARED_DIR or provide ../shared)`
      }
}

/** Environment variables naming a server; `hint` says how to start it. The value maps each name to its value. */
export const serverEnv = <K extends string>(
  names: ReadonlyArray<K>,
  hint: string
): Requirement<Readonly<Record<K, string>>> => {
  const missing = names.filter((name) => (process.env[name] ?? "") === "")
  if (missing.length > 0) return { ok: false, message: `${missing.join(", ")} not set: ${hint}` }
  const values = Object.fromEntries(names.map((name) => [name, process.env[name] ?? ""])) as Record<K, string>
  return { ok: true, value: values }
}

/** `describe` that runs `body` when the requirement is met, and otherwise skips with its message (fails under CI). */
export const describeWithRequirement = <A>(
  title: string,
  requirement: Requirement<A>,
  body: (value: A) => void
): void => {
  if (requirement.ok) {
    describe(title, () => body(requirement.value))
  } else if (underCi()) {
    describe(title, () => {
      it("has what it needs", () => {
        throw new Error(requirement.message)
      })
    })
  } else {
    describe(title, () => {
      it.skip(requirement.message, () => {})
    })
  }
}

/** `it` that runs `test` when the requirement is met, and otherwise skips with its message (fails under CI). */
export const itWithRequirement = <A>(
  title: string,
  requirement: Requirement<A>,
  test: (value: A) => unknown,
  timeoutMs?: number
): void => {
  if (requirement.ok) {
    it(title, () => test(requirement.value), timeoutMs)
  } else if (underCi()) {
    it(title, () => {
      throw new Error(requirement.message)
    })
  } else {
    it.skip(`${title} (${requirement.message})`, () => {})
  }
}

/** A PostgreSQL server for the store's tests: NEAT_TEST_PG_URL, a postgres:// URL. */
export const postgresEnv = serverEnv(
  ["NEAT_TEST_PG_URL"],
  "the PostgreSQL tests need a server (.ci/services/postgres.sh starts one and exports it)"
)

/** A MySQL or MariaDB server for the store's tests: NEAT_TEST_MYSQL_URL, a mysql:// URL whose user may create databases. */
export const mysqlEnv = serverEnv(
  ["NEAT_TEST_MYSQL_URL"],
  "the MySQL store tests need a server (.ci/services/mariadb.sh starts MariaDB and exports it)"
)
