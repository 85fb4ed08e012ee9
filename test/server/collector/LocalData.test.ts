import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { appendValue, formatValues, readLocalData, writeValues } from "../../../src/server/collector/LocalData.js"

const directory = mkdtempSync(join(tmpdir(), "neat-localdata-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const run = <A, E>(effect: Effect.Effect<A, E, NodeContext.NodeContext>) =>
  Effect.runPromise(Effect.either(effect).pipe(Effect.provide(NodeContext.layer)))

describe("Neat's local data files", () => {
  it("hold the last n integers, one per line, newline-terminated", () => {
    expect(formatValues([1, 2, 3, 4], 3)).toBe("2\n3\n4\n")
    expect(formatValues([], 3)).toBe("")
    expect(formatValues([7.9], 0)).toBe("")
  })

  it("append and truncate, and read back as the local manager sees them", async () => {
    const root = join(directory, "one")
    mkdirSync(join(root, "vms"), { recursive: true })
    const vm = join(root, "vms", "aaaaaaaa-0000-0000-0000-000000000001")
    await run(writeValues(vm, [10, 20], 3))
    await run(appendValue(vm, 30, 3))
    await run(appendValue(vm, 40, 3))
    await run(appendValue(join(root, "host"), 5, 3))
    expect(readFileSync(vm, "utf8")).toBe("20\n30\n40\n")
    expect(await run(readLocalData(root))).toEqual(
      Either.right({ vms: { "aaaaaaaa-0000-0000-0000-000000000001": [20, 30, 40] }, host: [5] })
    )
  })

  it("read a missing directory as empty, and name the line of a corrupt file", async () => {
    expect(await run(readLocalData(join(directory, "absent")))).toEqual(Either.right({ vms: {}, host: [] }))
    const root = join(directory, "bad")
    mkdirSync(join(root, "vms"), { recursive: true })
    writeFileSync(join(root, "host"), "1\nx2\n")
    const result = await run(readLocalData(root))
    expect(Either.isLeft(result) && [result.left.file, result.left.line, result.left.message]).toEqual([
      join(root, "host"),
      2,
      "not an integer: 'x2'"
    ])
  })
})
