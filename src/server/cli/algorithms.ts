/** `neat algorithms [--format json]`: lists the catalogue of built-in algorithms. See docs/plugins.md. */
import { Command, Options } from "@effect/cli"
import { Effect } from "effect"

/** The catalogue, loaded only when the command runs. */
const implementation = Effect.promise(() => import("./implementation/algorithms.js"))

const format = Options.choice("format", ["text", "json"] as const).pipe(
  Options.withDescription("text for reading, json for tools"),
  Options.withDefault("text" as const)
)

export const algorithmsCommand = Command.make("algorithms", { format }, ({ format }) =>
  Effect.flatMap(implementation, ({ catalogue, formatCatalogueJson, formatCatalogueText }) =>
    Effect.sync(() =>
      process.stdout.write(format === "json" ? formatCatalogueJson(catalogue()) : formatCatalogueText(catalogue()))
    )
  )
).pipe(
  Command.withDescription(
    "List the algorithm catalogue: each algorithm's parameters, defaults and the policies it can run in"
  )
)
