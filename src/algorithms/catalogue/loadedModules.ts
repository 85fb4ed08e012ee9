/**
 * The user's algorithms loaded in this process (thread), by their `MODULE#EXPORT` as written. The
 * registry builds from here synchronously; `preloadAlgorithmRefs` fills it beforehand.
 */
import type { AlgorithmContext } from "../types.js"

/** A user's factory, loaded: where it came from and the code's content hash. */
export interface UserFactory {
  /** `MODULE#EXPORT` as written (without parameters). */
  readonly ref: string
  /** The module's file (or the package's entry file). */
  readonly path: string
  readonly exportName: string
  /** `sha256:` and the hex SHA-256 of the module file's bytes: which code made a result. */
  readonly contentHash: string
  readonly factory: (params: unknown, ctx: AlgorithmContext) => unknown
}

const loaded = new Map<string, UserFactory>()
const failures = new Map<string, string>()

/** Whether an algorithm name is a user's `MODULE#EXPORT` rather than a catalogue name. */
export const isUserReference = (name: string): boolean => name.includes("#")

/** Remembers a loaded factory under its reference. */
export const registerUserFactory = (factory: UserFactory): void => {
  loaded.set(factory.ref, factory)
  failures.delete(factory.ref)
}

/** Remembers why a reference could not be loaded, for the registry to report when it is built. */
export const registerUserFactoryFailure = (reference: string, message: string): void => {
  failures.set(referenceKey(reference), message)
}

/** `MODULE#EXPORT` without the parameters. */
export const referenceKey = (reference: string): string => {
  const trimmed = reference.trim()
  const hash = trimmed.indexOf("#")
  const colon = hash < 0 ? -1 : trimmed.indexOf(":", hash)
  return colon < 0 ? trimmed : trimmed.slice(0, colon).trim()
}

/** The loaded factory of a `MODULE#EXPORT` (parameters, if any, ignored). */
export const findUserFactory = (reference: string): UserFactory | undefined => loaded.get(referenceKey(reference))

/** Why a reference failed to load, if it did. */
export const userFactoryFailure = (reference: string): string | undefined => failures.get(referenceKey(reference))
