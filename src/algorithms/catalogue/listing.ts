/** The catalogue as `neat algorithms` prints it: readable text grouped by family, or JSON. */
import type { AlgorithmFamily } from "../registry.js"
import type { CatalogueEntry } from "./catalogue.js"

const families: ReadonlyArray<readonly [AlgorithmFamily, string]> = [
  ["underload", "Underload detection (--underload, algorithm_underload_detection_factory)"],
  ["overload", "Overload detection (--overload, algorithm_overload_detection_factory)"],
  ["selection", "VM selection (--selection, algorithm_vm_selection_factory)"],
  ["placement", "VM placement (--placement, algorithm_vm_placement_factory)"]
]

const runsInText: Readonly<Record<string, string>> = {
  cloudsim: "sim --policy cloudsim",
  neat: "sim --policy neat",
  live: "serve/local-manager"
}

const paramLines = (entry: CatalogueEntry): ReadonlyArray<string> =>
  entry.params.map((param) => {
    const fallback = entry.defaults[param.name]
    const value =
      fallback === undefined ? (param.optional ? " (optional)" : " (required)") : ` = ${JSON.stringify(fallback)}`
    const bare = entry.numericParam === param.name ? "  [NAME:NUMBER sets it]" : ""
    return `      ${param.name}: ${param.type}${value}${bare}`
  })

/** Text for a terminal: each family, then each algorithm with its parameters, defaults and where it runs. */
export const formatCatalogueText = (entries: ReadonlyArray<CatalogueEntry>): string => {
  const blocks: Array<string> = []
  for (const [family, title] of families) {
    const members = entries.filter((entry) => entry.family === family)
    if (members.length === 0) continue
    const lines = [title]
    for (const entry of members) {
      lines.push(`  ${entry.name}${entry.description === "" ? "" : ` - ${entry.description}`}`)
      lines.push(...paramLines(entry))
      lines.push(`      runs in: ${entry.runsIn.map((place) => runsInText[place] ?? place).join(", ")}`)
      if (entry.aliases.length > 0) lines.push(`      also: ${entry.aliases.join(", ")}`)
    }
    blocks.push(lines.join("\n"))
  }
  blocks.push(
    [
      'Name one as NAME[:NUMBER|:JSON] (threshold:0.9, mhod:{"otf":0.2}), or your own factory as',
      "MODULE#EXPORT[:NUMBER|:JSON] (./my.ts#myDetector); see docs/plugins.md."
    ].join("\n")
  )
  return `${blocks.join("\n\n")}\n`
}

/** JSON: one object per algorithm. */
export const formatCatalogueJson = (entries: ReadonlyArray<CatalogueEntry>): string =>
  `${JSON.stringify(
    entries.map((entry) => ({
      family: entry.family,
      name: entry.name,
      qualified_name: entry.qualifiedName,
      aliases: entry.aliases,
      description: entry.description,
      params: entry.params.map((param) => ({
        name: param.name,
        type: param.type,
        optional: param.optional,
        ...(entry.defaults[param.name] === undefined ? {} : { default: entry.defaults[param.name] }),
        ...(param.description === undefined ? {} : { description: param.description })
      })),
      defaults: entry.defaults,
      numeric_param: entry.numericParam ?? null,
      runs_in: entry.runsIn
    })),
    null,
    2
  )}\n`
