/**
 * Loads every user module named in a set of algorithm references, so that the registry's
 * synchronous `makeDetector`/`makeSelector`/`makePlacer` can build them. Each command calls it with
 * the references it was given, before building algorithms; catalogue names are ignored.
 */
import { Effect } from "effect"
import type { ConfigError } from "../../core/errors.js"
import { findUserFactory, isUserReference, registerUserFactory, type UserFactory } from "./loadedModules.js"
import { loadUserFactory } from "./userModules.js"

/** Loads the user modules among `refs` (each `MODULE#EXPORT[:PARAMS]`); the first failure is the error. */
export const preloadAlgorithmRefs = (refs: ReadonlyArray<string>, baseDir?: string): Effect.Effect<void, ConfigError> =>
  Effect.forEach(
    refs.filter(isUserReference),
    (ref) => Effect.map(loadUserFactory(ref, baseDir), registerUserFactory),
    { discard: true }
  )

/** The loaded user factories among `refs` (after a preload), for recording which code ran. */
export const loadedUserFactories = (refs: ReadonlyArray<string>): ReadonlyArray<UserFactory> =>
  refs.flatMap((ref) => {
    const factory = isUserReference(ref) ? findUserFactory(ref) : undefined
    return factory === undefined ? [] : [factory]
  })
