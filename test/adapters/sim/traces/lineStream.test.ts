import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { firstLine, forEachLine, STOP } from "../../../../src/adapters/sim/traces/lineStream.js"
import { InputError } from "../../../../src/core/errors.js"

const dir = mkdtempSync(join(tmpdir(), "neat-lines-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const collect = (file: string) =>
  Effect.runPromise(
    Effect.suspend(() => {
      const lines: Array<[number, string]> = []
      return forEachLine(file, (line, lineNo) => {
        lines.push([lineNo, line])
        return undefined
      }).pipe(Effect.map(() => lines))
    })
  )

describe("forEachLine", () => {
  it("reads plain and gzip alike, whatever the name: BOM, CRLF and a last line without newline", async () => {
    const text = "\uFEFFfirst\r\nsecond\n\nlast"
    const plain = join(dir, "plain.txt")
    writeFileSync(plain, text)
    const gzip = join(dir, "named-plain.csv")
    writeFileSync(gzip, gzipSync(text))
    const expected = [
      [1, "first"],
      [2, "second"],
      [3, ""],
      [4, "last"]
    ]
    expect(await collect(plain)).toEqual(expected)
    expect(await collect(gzip)).toEqual(expected)
  })

  it("splits lines across chunks of a large file", async () => {
    const file = join(dir, "large.gz")
    const lines = Array.from({ length: 200_000 }, (_, i) => `line-${i}-${"x".repeat(i % 17)}`)
    writeFileSync(file, gzipSync(`${lines.join("\n")}\n`))
    const read = await collect(file)
    expect(read.length).toBe(lines.length)
    expect(read[123_456]).toEqual([123_457, lines[123_456]])
  })

  it("stops early on STOP or an error, and names the file of a truncated gzip or a missing file", async () => {
    const file = join(dir, "stop.txt")
    writeFileSync(file, "a\nb\nc\n")
    expect(await Effect.runPromise(firstLine(file))).toBe("a")
    const error = await Effect.runPromise(
      Effect.flip(
        forEachLine(file, (_, lineNo) => (lineNo === 2 ? new InputError({ file, line: 2, message: "bad" }) : undefined))
      )
    )
    expect(error.line).toBe(2)
    let seen = 0
    await Effect.runPromise(forEachLine(file, () => (++seen === 1 ? STOP : undefined)))
    expect(seen).toBe(1)
    const truncated = join(dir, "truncated.csv.gz")
    const whole = gzipSync("x,1\n".repeat(100_000))
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1))
    const broken = await Effect.runPromise(Effect.flip(forEachLine(truncated, () => undefined)))
    expect(broken.file).toBe(truncated)
    expect(broken.message).toMatch(/cannot read the trace/)
    const missing = await Effect.runPromise(Effect.flip(forEachLine(join(dir, "none.csv"), () => undefined)))
    expect(missing.message).toBe("cannot read the trace: no such file")
  })
})
