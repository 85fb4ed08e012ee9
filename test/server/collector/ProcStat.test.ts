import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { ProcStat, parseProcStat } from "../../../src/server/collector/ProcStat.js"

const directory = mkdtempSync(join(tmpdir(), "neat-procstat-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const sample = `cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0
intr 114930548 113199788 3 0 5 263 0 4 [...]
ctxt 1990473
`

describe("parseProcStat", () => {
  it("sums the first seven counters of the aggregate cpu line; busy is user + nice + system", () => {
    expect(parseProcStat(sample, "/proc/stat")).toEqual(
      Either.right({
        total: 10132153 + 290696 + 3084719 + 46828483 + 16683 + 0 + 25195,
        busy: 10132153 + 290696 + 3084719
      })
    )
  })

  it("names the file and line of what it cannot read", () => {
    const missing = parseProcStat("intr 1\n", "stat.txt")
    expect(Either.isLeft(missing) && missing.left.message).toBe("no aggregate 'cpu' line")
    const short = parseProcStat("ctxt 1\ncpu 1 2 x\n", "stat.txt")
    expect(Either.isLeft(short) && [short.left.file, short.left.line, short.left.message]).toEqual([
      "stat.txt",
      2,
      "expected 7 non-negative counters after 'cpu'"
    ])
  })
})

describe("ProcStat.file", () => {
  const read = (path: string) =>
    Effect.runPromise(
      Effect.flatMap(ProcStat, (p) => p.read).pipe(
        Effect.either,
        Effect.provide(ProcStat.file(path)),
        Effect.provide(NodeContext.layer)
      )
    )

  it("reads a crafted file on every call", async () => {
    const file = join(directory, "stat")
    writeFileSync(file, "cpu 1 2 3 4 5 6 7\n")
    expect(await read(file)).toEqual(Either.right({ total: 28, busy: 6 }))
    writeFileSync(file, "cpu 2 2 3 4 5 6 7\n")
    expect(await read(file)).toEqual(Either.right({ total: 29, busy: 7 }))
  })

  it("reports a missing file with its path", async () => {
    const result = await read(join(directory, "absent"))
    expect(Either.isLeft(result) && result.left.file).toBe(join(directory, "absent"))
  })
})
