/** The catalogue: one entry per registered algorithm, each buildable from its own defaults, and the one reference parser. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { catalogue, findCatalogueEntry, parseAlgorithmRef } from "../../../src/algorithms/catalogue/catalogue.js"
import { algorithmNames, makeDetector, makePlacer, makeSelector } from "../../../src/algorithms/registry.js"

const ctx = { timeStepSec: 300, migrationTimeSec: 20 }

describe("the algorithm catalogue", () => {
  it("lists every registered algorithm, each built from its defaults and a numeric parameter it has", () => {
    expect(catalogue().map((entry) => entry.qualifiedName)).toEqual(algorithmNames)
    for (const entry of catalogue()) {
      const params = entry.defaults
      const built: Either.Either<unknown, unknown> =
        entry.family === "selection"
          ? makeSelector(entry.name, params, ctx)
          : entry.family === "placement"
            ? makePlacer(entry.name, params, ctx)
            : makeDetector(entry.family, entry.name, params, ctx)
      expect(Either.isRight(built), `${entry.qualifiedName}: ${JSON.stringify(Either.getLeft(built))}`).toBe(true)
      if (entry.numericParam !== undefined) {
        expect(entry.params.map((param) => param.name)).toContain(entry.numericParam)
      }
      expect(entry.description, entry.qualifiedName).not.toBe("")
    }
  })

  it("describes parameters from their schemas", () => {
    expect(findCatalogueEntry("overload", "mhod")?.params.find((param) => param.name === "window_sizes")).toEqual({
      name: "window_sizes",
      type: "array of integer >= 2 <= 10000",
      optional: false,
      description: undefined
    })
    expect(findCatalogueEntry("overload", "neat.locals.overload.otf.otf_factory")?.name).toBe("otf")
    expect(findCatalogueEntry("underload", "mhod")).toBeUndefined()
  })

  it("parses NAME, NAME:NUMBER and NAME:JSON over the defaults, whatever the name's form", () => {
    expect(Either.getOrThrow(parseAlgorithmRef("underload", "last_n_average_threshold:0.3"))).toEqual({
      name: "last_n_average_threshold",
      params: { threshold: 0.3, n: 2 }
    })
    expect(Either.getOrThrow(parseAlgorithmRef("overload", 'overload/otf:{"limit": 10}')).params).toEqual({
      otf: 0.1,
      threshold: 0.8,
      limit: 10
    })
    expect(
      Either.getOrThrow(
        parseAlgorithmRef("placement", "neat.globals.vm_placement.bin_packing.best_fit_decreasing_factory:0.8")
      ).params
    ).toMatchObject({ cpu_threshold: 0.8, ram_threshold: 0.95 })
    expect(Either.isLeft(parseAlgorithmRef("selection", "minimum_utilization:3"))).toBe(true)
    expect(Either.isLeft(parseAlgorithmRef("overload", "mhod:{otf"))).toBe(true)
  })
})
