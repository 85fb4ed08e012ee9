/**
 * How a command that drives a cloud gets its wiring: as is (tests pass their own), or loaded when
 * the command runs, so that defining the command loads neither the clouds nor the store.
 */
import { Effect } from "effect"
import type { Wiring } from "./wiring.js"

/** A wiring, or a function loading one. */
export type WiringSource = Wiring | (() => Promise<Wiring>)

/** This build's wiring (wiring.ts's `defaultWiring`), loaded on first use. */
export const loadedDefaultWiring: WiringSource = () => import("./wiring.js").then((module) => module.defaultWiring)

/** The wiring a source gives. */
export const loadWiring = (source: WiringSource): Effect.Effect<Wiring> =>
  typeof source === "function" ? Effect.promise(source) : Effect.succeed(source)
