import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { defaultConfigFile } from "../../../src/server/config/NeatConfig.js"
import { optionNames } from "../../../src/server/config/options.js"

const operations = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "operations.md"), "utf8")
const defaults = readFileSync(defaultConfigFile, "utf8")

describe("the configuration reference in docs/operations.md", () => {
  it("describes every option with the default that ships", () => {
    for (const name of optionNames) {
      const row = operations.split("\n").find((line) => line.startsWith(`| \`${name}\` |`))
      expect(row, `no row for ${name}`).toBeDefined()
      const shipped = new RegExp(`^${name} =(.*)$`, "m").exec(defaults)?.[1]?.trim()
      const documented = row!.split(" | ")[1]!.trim()
      expect(documented, name).toBe(shipped === "" ? "*(empty)*" : `\`${shipped}\``)
    }
  })
})
