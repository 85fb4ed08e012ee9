import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect, Either } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { CheckReport } from "../../../src/algorithms/check/checkAlgorithm.js"
import { algorithmTable } from "../../../src/algorithms/registry.js"
import type { Detector, VmPlacer } from "../../../src/algorithms/types.js"
import { describeError } from "../../../src/core/errors.js"
import { type CheckResolver, makeCheckCommand, resolveCheckReference } from "../../../src/server/cli/check.js"
import { reportFailure } from "../../../src/server/cli/reportFailure.js"
import { neat, runCommandInProcess } from "../../support/neatCli.js"

const runs = "50"

/** `effect` with what it logs handed to `print` instead of stdout. */
const logTo = <A, E, R>(print: (line: string) => void, effect: Effect.Effect<A, E, R>) =>
  Console.consoleWith((current) =>
    effect.pipe(Console.withConsole({ ...current, log: (...parts) => Effect.sync(() => print(parts.join(" "))) }))
  )

/** Runs `neat check ...args` in this process, with what it prints captured. */
const runCheck = (args: ReadonlyArray<string>, resolve?: CheckResolver) =>
  Effect.gen(function* () {
    const printed: Array<string> = []
    const command = runCommandInProcess(makeCheckCommand(resolve), args)
    const result = yield* Effect.either(logTo((line) => printed.push(line), command))
    return { result, output: printed.join("\n") }
  })

/** Puts every VM on the first active host, whether they fit or not. */
const allOnFirstHost = (): VmPlacer<null> => ({
  initialState: null,
  place: (input, state) => {
    const host = input.hosts[0]
    if (host === undefined) return [undefined, state]
    return [Object.fromEntries(input.vms.map((vm) => [vm.uuid, host.name])), state]
  }
})

/** Decides by a counter hidden in its closure: not a function of its history and state. */
const flipFlop = (): Detector<null> => {
  let calls = 0
  return { initialState: null, decide: (_, state) => [calls++ % 2 === 1, state] }
}

/** The test's own algorithms by name, as the user-module loader will provide them. */
const testAlgorithms: CheckResolver = (ref) =>
  ref === "test#allOnFirstHost"
    ? Effect.succeed({ subject: { ref, make: allOnFirstHost }, params: {} })
    : ref === "test#flipFlop"
      ? Effect.succeed({ subject: { ref, make: flipFlop }, params: undefined })
      : resolveCheckReference(ref)

afterEach(() => {
  process.exitCode = undefined
  vi.restoreAllMocks()
})

describe("neat check", () => {
  it("passes every built-in algorithm of the registry with its default parameters", async () => {
    for (const entry of algorithmTable) {
      const name = `${entry.family}/${entry.name}`
      const { result, output } = await Effect.runPromise(
        runCheck([name, "--runs", runs, "--seed", "7", "--format", "json"])
      )
      expect(Either.isRight(result), `${name}: ${Either.isLeft(result) ? describeError(result.left) : ""}`).toBe(true)
      const report: CheckReport = JSON.parse(output)
      const failed = report.properties.filter((property) => !property.passed)
      expect(failed, `${name} failed ${JSON.stringify(failed)}`).toEqual([])
      expect(report).toMatchObject({ ref: name, runs: 50, seed: 7, passed: true })
      expect(report.properties.length).toBeGreaterThanOrEqual(4)
    }
  }, 120_000)

  it("fails a placement that overfills a host: FAIL, the counterexample, the replay command, exit status 1", async () => {
    const args = ["test#allOnFirstHost", "--runs", runs, "--seed", "11"]
    const { result, output } = await Effect.runPromise(runCheck(args, testAlgorithms))
    expect(output).toMatch(/^test#allOnFirstHost \(placement\), params \{\}: 50 runs per property, seed 11\n/)
    expect(output).toMatch(/^PASS {2}all-or-none {8}places every VM it is given, or none/m)
    expect(output).toMatch(
      /^FAIL {2}within-thresholds {2}never loads a host beyond its threshold: CPU 1, RAM 1 of capacity/m
    )
    expect(output).toMatch(
      /^ {25}call \d+: .* on "h[0-9a-f]+" \(.*\), which has [\d.]+ (MHz|MB) left below its capacity$/m
    )
    expect(output).toMatch(/^ {25}counterexample \(shrunk \d+ times, after \d+ runs\): \[\{"hosts":\[\{"name":"h/m)
    expect(output).toMatch(/\n1 of 6 properties failed; replay: neat check test#allOnFirstHost --runs 50 --seed 11$/)
    expect(Either.isLeft(result) && describeError(result.left)).toBe(
      "CheckFailed: test#allOnFirstHost failed 1 of 6 properties: within-thresholds"
    )

    // Through the CLI's failure handling: one line on stderr, exit status 1.
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true)
    await Effect.runPromise(
      logTo(() => undefined, runCommandInProcess(makeCheckCommand(testAlgorithms), args)).pipe(reportFailure)
    )
    expect(stderr).toHaveBeenCalledWith(
      "neat: CheckFailed: test#allOnFirstHost failed 1 of 6 properties: within-thresholds\n"
    )
    expect(process.exitCode).toBe(1)
  })

  it("fails a detector that is not deterministic, printing the counterexample, also as JSON", async () => {
    const { result, output } = await Effect.runPromise(
      runCheck(["test#flipFlop", "--runs", runs, "--seed", "3"], testAlgorithms)
    )
    expect(Either.isLeft(result)).toBe(true)
    expect(output).toMatch(/^PASS {2}total {9}/m)
    expect(output).toMatch(
      /^FAIL {2}deterministic {2}the same history and state give the same decision and state\n {21}call 1: decide returned \[false, null\], then \[true, null\] for the same history and state\n {21}counterexample \(shrunk \d+ times?, after 1 run\): \[\[.*\]\]$/m
    )

    const json = await Effect.runPromise(
      runCheck(["test#flipFlop", "--runs", runs, "--seed", "3", "--format", "json"], testAlgorithms)
    )
    const report: CheckReport = JSON.parse(json.output)
    expect(report.passed).toBe(false)
    const deterministic = report.properties.find((property) => property.name === "deterministic")!
    expect(deterministic.passed).toBe(false)
    expect(deterministic.failure!.message).toBe(
      "call 1: decide returned [false, null], then [true, null] for the same history and state"
    )
    expect(deterministic.failure!.counterexample).toHaveLength(1)
    expect(typeof deterministic.failure!.path).toBe("string")
  })

  it("replays a failure exactly from the seed it prints", async () => {
    const first = await Effect.runPromise(runCheck(["test#allOnFirstHost", "--runs", "20"], testAlgorithms))
    const replay = /replay: neat check (.*)$/m.exec(first.output)![1]!.split(" ")
    const again = await Effect.runPromise(runCheck(replay, testAlgorithms))
    expect(again.output).toBe(first.output)
  })

  it("resolves bare, qualified, dotted and parameterised names, merging --params over the defaults", async () => {
    const resolved = async (ref: string) => {
      const result = await Effect.runPromise(Effect.either(resolveCheckReference(ref)))
      return Either.isLeft(result)
        ? describeError(result.left)
        : { ref: result.right.subject.ref, params: result.right.params }
    }
    expect(await resolved("mhod")).toMatchObject({ ref: "overload/mhod", params: { otf: 0.1, learning_steps: 30 } })
    expect(await resolved("mhod:0.2")).toMatchObject({ ref: "overload/mhod", params: { otf: 0.2 } })
    expect(await resolved("neat.locals.overload.statistics.mad_threshold_factory")).toEqual({
      ref: "overload/mad_threshold",
      params: { threshold: 2.5, limit: 12 }
    })
    expect(await resolved('overload/threshold:{"threshold":0.9}')).toEqual({
      ref: "overload/threshold",
      params: { threshold: 0.9 }
    })
    expect(await resolved("minimum_migration_time")).toEqual({ ref: "selection/minimum_migration_time", params: {} })

    const { output } = await Effect.runPromise(
      runCheck(["mad_threshold", "--params", '{"limit": 3}', "--runs", "5", "--seed", "1"])
    )
    expect(output).toMatch(/^overload\/mad_threshold \(detector\), params \{"threshold":2\.5,"limit":3\}: 5 runs/)
  })
})

describe("neat check, bad references and parameters", () => {
  const failure = async (args: ReadonlyArray<string>) => {
    const { result } = await Effect.runPromise(runCheck(args))
    return Either.isLeft(result) ? describeError(result.left) : "passed"
  }

  it("names the problem in one line", async () => {
    expect(await failure(["threshold"])).toBe(
      'configuration: REF: "threshold" is ambiguous: say which, underload/threshold or overload/threshold'
    )
    expect(await failure(["no_such_thing"])).toMatch(
      /^configuration: REF: unknown algorithm "no_such_thing" \(built-in: underload\/threshold, .*overload\/mhod, .*; a user's algorithm is named MODULE#EXPORT\)$/
    )
    expect(await failure(["./no-such-detector.ts#detector"])).toBe(
      `configuration: REF: no such module file: ${join(process.cwd(), "no-such-detector.ts")}`
    )
    expect(await failure(["overload/threshold:high"])).toBe(
      'configuration: REF: expected NAME:NUMBER or NAME:{JSON}, got parameter "high"'
    )
    expect(await failure(["overload/threshold", "--params", '{"threshold": "high"}'])).toBe(
      'configuration: params.threshold: expected a number, got "high" (overload/threshold)'
    )
    expect(await failure(["overload/threshold", "--params", '{"treshold": 0.9}'])).toMatch(
      /^configuration: params\.treshold: is not a known field .*\(overload\/threshold\)$/
    )
    expect(await failure(["overload/threshold", "--params", "0.9}"])).toMatch(/^configuration: --params: not JSON \(/)
    expect(await failure(["overload/threshold", "--params", "[0.9]"])).toBe(
      "configuration: --params: expected a JSON object, got [0.9]"
    )
    expect(await failure(["overload/threshold", "--runs", "0"])).toBe(
      "configuration: --runs: expected an integer >= 1, got 0"
    )
  })

  it("exits 1 with that line on stderr and no stack trace, and 0 when every property passes", async () => {
    const [bad, good] = await Promise.all([
      neat(["check", "threshold"]),
      neat(["check", "overload/otf", "--runs", "20", "--seed", "5"])
    ])
    expect(bad).toEqual({
      status: 1,
      stdout: "",
      stderr:
        'neat: configuration: REF: "threshold" is ambiguous: say which, underload/threshold or overload/threshold\n'
    })
    expect(good.stderr).toBe("")
    expect(good.status).toBe(0)
    expect(good.stdout).toMatch(
      /^overload\/otf \(detector\), params \{"otf":0\.1,"threshold":0\.8,"limit":30\}: 20 runs/
    )
    expect(good.stdout).toMatch(/^PASS {2}state-json {4}/m)
    expect(good.stdout).toMatch(/\nall 4 properties passed\n$/)
  }, 120_000)

  it("loads a user's TypeScript module and fails its overfilling placement, exit status 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neat-check-"))
    try {
      writeFileSync(
        join(dir, "algorithms.ts"),
        [
          "interface Named { readonly name: string }",
          "interface Vm { readonly uuid: string }",
          "/** Every VM on the first active host, whether it fits or not. */",
          "export const allOnFirstHost = () => ({",
          "  initialState: null,",
          "  place: (input: { hosts: ReadonlyArray<Named>; vms: ReadonlyArray<Vm> }, state: null) => {",
          "    const host = input.hosts[0]",
          "    if (host === undefined) return [undefined, state] as const",
          "    return [Object.fromEntries(input.vms.map((vm) => [vm.uuid, host.name])), state] as const",
          "  }",
          "})",
          ""
        ].join("\n")
      )
      const ref = `${join(dir, "algorithms.ts")}#allOnFirstHost`
      const result = await neat(["check", ref, "--runs", "30", "--seed", "3"])
      expect(result.status).toBe(1)
      expect(result.stdout).toMatch(/^FAIL {2}within-thresholds/m)
      expect(result.stdout).toMatch(/counterexample \(shrunk/)
      expect(result.stderr).toBe(`neat: CheckFailed: ${ref} failed 1 of 6 properties: within-thresholds\n`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
