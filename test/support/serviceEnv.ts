/**
 * Integration tests need a real server whose address comes from environment variables (set by
 * `.ci/services/*.sh`). Without them a suite skips with a message saying what to start; under CI
 * it fails with that message instead, so a missing server is never mistaken for a pass.
 */
import { describe, it } from "vitest"

export type ServiceEnv<K extends string> =
  | { readonly ok: true; readonly values: Readonly<Record<K, string>> }
  | { readonly ok: false; readonly message: string }

export const serviceEnv = <K extends string>(names: ReadonlyArray<K>, hint: string): ServiceEnv<K> => {
  const missing = names.filter((name) => (process.env[name] ?? "") === "")
  if (missing.length > 0) return { ok: false, message: `${missing.join(", ")} not set: ${hint}` }
  const values = Object.fromEntries(names.map((name) => [name, process.env[name] ?? ""])) as Record<K, string>
  return { ok: true, values }
}

/** `describe` that runs `body` when the service is there, and skips (or fails under CI) otherwise. */
export const describeWithService = <K extends string>(
  title: string,
  env: ServiceEnv<K>,
  body: (values: Readonly<Record<K, string>>) => void
): void => {
  if (env.ok) {
    describe(title, () => body(env.values))
  } else if ((process.env.CI ?? "") !== "") {
    describe(title, () => {
      it("has the server it needs", () => {
        throw new Error(env.message)
      })
    })
  } else {
    describe(title, () => {
      it.skip(env.message, () => {})
    })
  }
}
