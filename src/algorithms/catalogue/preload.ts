/**
 * Loads every user module named in a set of algorithm references, so that the registry's
 * synchronous `makeDetector`/`makeSelector`/`makePlacer` can build them. Each command calls it with
 * the references it was given, before building algorithms; catalogue names are ignored.
 */
import { Effect } from "effect"
import type { ConfigError } from "../../core/errors.js"
import {
  findUserFactory,
  isUserReference,
  registerUserFactory,
  registerUserFactoryFailure,
  type UserFactory
} from "./loadedModules.js"
import { loadUserFactory } from "./userModules.js"

const notLoaded = (refs: ReadonlyArray<string>): ReadonlyArray<string> =>
  refs.filter((ref) => isUserReference(ref) && findUserFactory(ref) === undefined)

/**
 * Loads the user modules among `refs` (each `MODULE#EXPORT[:PARAMS]`, relative paths from `baseDir`,
 * the current directory by default); the first failure is the error. A reference already loaded in
 * this process (thread) is not loaded again.
 */
export const preloadAlgorithmRefs = (refs: ReadonlyArray<string>, baseDir?: string): Effect.Effect<void, ConfigError> =>
  Effect.forEach(notLoaded(refs), (ref) => Effect.map(loadUserFactory(ref, baseDir), registerUserFactory), {
    discard: true
  })

/**
 * As `preloadAlgorithmRefs`, but a reference that fails to load is remembered instead of failing:
 * building it later (e.g. neat.conf's validation) reports the reason beside the other problems.
 */
export const preloadAlgorithmRefsLeniently = (refs: ReadonlyArray<string>, baseDir?: string): Effect.Effect<void> =>
  Effect.forEach(
    notLoaded(refs),
    (ref) =>
      loadUserFactory(ref, baseDir).pipe(
        Effect.match({
          onSuccess: registerUserFactory,
          onFailure: (error) => registerUserFactoryFailure(ref, error.message)
        })
      ),
    { discard: true }
  )

/** The loaded user factories among `refs` (after a preload), for recording which code ran. */
export const loadedUserFactories = (refs: ReadonlyArray<string>): ReadonlyArray<UserFactory> =>
  refs.flatMap((ref) => {
    const factory = isUserReference(ref) ? findUserFactory(ref) : undefined
    return factory === undefined ? [] : [factory]
  })
