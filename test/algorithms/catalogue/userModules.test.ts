/** Loading a user's MODULE#EXPORT: what loads, and a clear error for every way it can go wrong. */
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { parseAlgorithmRef } from "../../../src/algorithms/catalogue/catalogue.js"
import { preloadAlgorithmRefs } from "../../../src/algorithms/catalogue/preload.js"
import { loadUserFactory } from "../../../src/algorithms/catalogue/userModules.js"
import { makeDetector, makePlacer, makeSelector } from "../../../src/algorithms/registry.js"
import { describeError } from "../../../src/core/errors.js"
import { writeUserModules } from "../../support/userModules.js"

const modules = writeUserModules()
afterAll(() => modules.remove())

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

/** The one-line message a user sees for a reference that fails to load, or "loaded". */
const loadError = async (ref: string, baseDir?: string): Promise<string> => {
  const result = await Effect.runPromise(Effect.either(preloadAlgorithmRefs([ref], baseDir)))
  return Either.isLeft(result) ? describeError(result.left) : "loaded"
}

/** The message of building a preloaded reference as a detector. */
const buildError = async (ref: string, params: unknown = {}): Promise<string> => {
  await Effect.runPromise(preloadAlgorithmRefs([ref]))
  const made = makeDetector("overload", ref, params, ctx)
  return Either.isLeft(made) ? describeError(made.left) : "built"
}

describe("user algorithm modules", () => {
  it("load a TypeScript factory from a path, absolute or relative to the base folder, with its content hash", async () => {
    const loaded = await Effect.runPromise(loadUserFactory(`./thr.ts#thr`, modules.dir))
    expect(loaded).toMatchObject({ ref: "./thr.ts#thr", path: modules.thr, exportName: "thr" })
    expect(loaded.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/)
    await Effect.runPromise(preloadAlgorithmRefs([`${modules.thr}#thr:0.5`, "threshold:0.9", "mhod"]))
    const detector = Either.getOrThrow(makeDetector("overload", `${modules.thr}#thr`, { threshold: 0.5 }, ctx))
    expect(detector.decide([0.1, 0.6], detector.initialState)[0]).toBe(true)
    expect(detector.decide([0.6, 0.4], detector.initialState)[0]).toBe(false)
  })

  it("load an export of an installed package, resolved from the base folder", async () => {
    // The folder has Neat installed: its `neat/algorithms` exports are functions, though not factories.
    const loaded = await Effect.runPromise(loadUserFactory("neat/algorithms#withParams", modules.dir))
    // The package's `default` export condition: the compiled API (its `types` are the sources).
    expect(loaded.path).toMatch(/dist[\\/]algorithms\.js$/)
    await Effect.runPromise(preloadAlgorithmRefs(["neat/algorithms#lastOf"], modules.dir))
    const made = makeDetector("overload", "neat/algorithms#lastOf", {}, ctx)
    expect(Either.isLeft(made) && made.left.message).toMatch(/the factory returned undefined, not a detector/)
  })

  it("parse as every reference does: a bare number sets the factory's numericParam over its defaults", async () => {
    await Effect.runPromise(preloadAlgorithmRefs([`${modules.thr}#thr`]))
    expect(Either.getOrThrow(parseAlgorithmRef("overload", `${modules.thr}#thr:0.7`))).toEqual({
      name: `${modules.thr}#thr`,
      params: { threshold: 0.7 }
    })
    expect(Either.getOrThrow(parseAlgorithmRef("overload", `${modules.thr}#thr`)).params).toEqual({ threshold: 0.8 })
    expect(Either.getOrThrow(parseAlgorithmRef("overload", "mhod:0.2")).params).toMatchObject({ otf: 0.2 })
    expect(Either.getOrThrow(parseAlgorithmRef("overload", "overload/threshold")).params).toEqual({ threshold: 0.8 })
  })

  it("name the reference and the problem for a missing module, export or package, and a bad file type", async () => {
    expect(await loadError(`${modules.dir}/missing.ts#thr`)).toBe(
      `configuration: ${modules.dir}/missing.ts#thr: no such module file: ${modules.dir}/missing.ts`
    )
    expect(await loadError(`${modules.thr}#thrr`)).toBe(
      `configuration: ${modules.thr}#thrr: the module has no export named thrr (it exports: thr, under)`
    )
    expect(await loadError("no-such-neat-package#x", modules.dir)).toMatch(
      /^configuration: no-such-neat-package#x: no installed package "no-such-neat-package"/
    )
    expect(await loadError(`${modules.dir}/thr.json#x`)).toMatch(/the module must be a \.ts, \.mts, \.js, \.mjs file/)
    expect(await loadError(`${modules.thr}#1x`)).toMatch(/EXPORT a JavaScript name/)
    expect(Either.isLeft(parseAlgorithmRef("overload", "./thr.ts"))).toBe(true)
    expect(describeError(Either.flip(parseAlgorithmRef("overload", "./thr.ts")).pipe(Either.getOrThrow))).toMatch(
      /name the factory to use as MODULE#EXPORT/
    )
  })

  it("name the reference for an export that is not a factory and a module that throws while loading", async () => {
    expect(await loadError(`${modules.broken}#notAFactory`)).toBe(
      `configuration: ${modules.broken}#notAFactory: notAFactory is not a factory: it is 42; export a function (params, ctx) => algorithm`
    )
    expect(await loadError(`${modules.throwsOnLoad}#x`)).toBe(
      `configuration: ${modules.throwsOnLoad}#x: the module failed to load: cannot reach the licence server`
    )
  })

  it("name the reference for a malformed algorithm: wrong family, throwing factory, state that is not JSON", async () => {
    expect(await buildError(`${modules.broken}#selectionNotDetector`)).toMatch(
      /#selectionNotDetector: the factory returned an object without a decide method, not a detector .* \(it has select: it is a VM selection\)$/
    )
    expect(await buildError(`${modules.broken}#throwingFactory`)).toMatch(
      /#throwingFactory: the factory threw: no GPU here$/
    )
    expect(await buildError(`${modules.broken}#nonJsonState`)).toMatch(
      /#nonJsonState: initialState is not JSON-serialisable/
    )
    expect(await buildError(`${modules.thr}#thr`, { threshold: 2 })).toMatch(
      /#thr: the factory threw: params.threshold: expected a fraction between 0 and 1, got 2$/
    )
    await Effect.runPromise(preloadAlgorithmRefs([`${modules.firstFit}#firstFit`]))
    const asSelector = makeSelector(`${modules.firstFit}#firstFit`, {}, ctx)
    expect(Either.isLeft(asSelector) && asSelector.left.message).toMatch(/without a select method.*it has place/)
    expect(Either.isRight(makePlacer(`${modules.firstFit}#firstFit`, {}, ctx))).toBe(true)
  })

  it("turn a throw or a malformed answer at run time into an error naming the reference", async () => {
    await Effect.runPromise(preloadAlgorithmRefs([`${modules.broken}#badVerdict`, `${modules.broken}#throwingDecide`]))
    const bad = Either.getOrThrow(makeDetector("overload", `${modules.broken}#badVerdict`, {}, ctx))
    expect(() => bad.decide([0.5], bad.initialState)).toThrow(
      /decide returned "yes" as its verdict, expected true or false/
    )
    const throwing = Either.getOrThrow(makeDetector("overload", `${modules.broken}#throwingDecide`, {}, ctx))
    expect(() => throwing.decide([0.5], throwing.initialState)).toThrow(/decide threw: division by zero/)
  })

  it("refuse to build a reference that was never loaded, saying so", () => {
    const made = makeDetector("overload", "./never-loaded.ts#x", {}, ctx)
    expect(Either.isLeft(made) && made.left.message).toMatch(/the module is not loaded/)
  })
})
