import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { findAlgorithm } from "../../../src/algorithms/registry.js"
import { describeError } from "../../../src/core/errors.js"
import { parseCases } from "../../../src/server/cli/decide.js"
import { neat } from "../../support/neatCli.js"
import { referenceCases } from "../../support/reference.js"
import { itWithRequirement } from "../../support/requirement.js"

const scratch = mkdtempSync(join(tmpdir(), "neat-decide-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe.concurrent("neat decide", () => {
  itWithRequirement("reproduces every reference vector of a registered algorithm", referenceCases, async (cases) => {
    const registered = cases.filter((c) => findAlgorithm(c.algorithm) !== undefined)
    const input = join(scratch, "vectors.json")
    writeFileSync(input, JSON.stringify(registered))
    const run = await neat(["decide", "--input", input])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const outputs: ReadonlyArray<unknown> = JSON.parse(run.stdout)
    expect(outputs).toHaveLength(registered.length)
    // Byte for byte, placements in Neat's key order.
    outputs.forEach((output, i) => {
      expect(JSON.stringify(output)).toBe(JSON.stringify(registered[i]!.output))
    })
  })

  it("reads cases from stdin and prints one output per line", async () => {
    const cases = [
      { algorithm: "overload/threshold", params: { threshold: 0.5 }, input: { utilization: [0.9] } },
      { algorithm: "overload/threshold", params: { threshold: 0.5 }, input: { utilization_sequence: [0.9, 0.1] } },
      {
        algorithm: "selection/minimum_migration_time",
        params: {},
        input: {
          vms: [
            { uuid: "a", cpu_mhz: [1], ram_mb: 2048 },
            { uuid: "b", cpu_mhz: [1], ram_mb: 1024 }
          ]
        }
      }
    ]
    const run = await neat(["decide"], { stdin: JSON.stringify(cases) })
    expect(run).toEqual({ status: 0, stdout: '[\ntrue,\n[true,false],\n"b"\n]\n', stderr: "" })
  })

  it("names the case and field of a bad case, exits 1 and prints no stack trace", async () => {
    const cases = [
      { algorithm: "overload/threshold", params: { threshold: 0.5 }, input: { utilization: [0.9] } },
      { algorithm: "overload/threshold", params: { threshold: "high" }, input: { utilization: [0.9] } }
    ]
    const input = join(scratch, "bad.json")
    writeFileSync(input, JSON.stringify(cases))
    const run = await neat(["decide", "--input", input])
    expect(run).toEqual({
      status: 1,
      stdout: "",
      stderr: `neat: ${input}: case 1: params.threshold: expected a number, got "high"\n`
    })
  })

  it("reports input that is not JSON with its line, or not an array", () => {
    const notJson = parseCases('[\n{"algorithm": "overload/threshold",\n}]', "cases.json")
    expect(Either.isLeft(notJson) && describeError(notJson.left)).toMatch(/^cases\.json, line 3: not valid JSON: /)
    const notArray = parseCases('{"algorithm": "overload/threshold"}', "cases.json")
    expect(Either.isLeft(notArray) && describeError(notArray.left)).toBe(
      "cases.json: expected a JSON array of cases {algorithm, params, input}"
    )
  })
})
