import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { expandGrid, jobKey, jobLabel } from "../../../../src/adapters/sim/sweep/grid.js"
import type { SweepGrid } from "../../../../src/adapters/sim/sweep/SweepJob.js"
import { makeShard, parseShard, selectShard, shardFromEnv } from "../../../../src/adapters/sim/sweep/shard.js"

const grid: SweepGrid = {
  policies: ["cloudsim", "neat"],
  parameters: {
    overload: ["thr:0.8", "iqr:1.5", "mad:2.5", "lr:1.2", "lrr:1.2"],
    selection: ["mmt", "mc", "mu", "rs"]
  },
  traces: ["planetlab/20110303", "planetlab/20110306", "planetlab/20110309"]
}

describe("sweep grid", () => {
  it("expands policies × parameters × traces in a fixed order with unique keys", () => {
    const jobs = expandGrid(grid)
    expect(jobs.length).toBe(2 * 5 * 4 * 3)
    expect(jobs.map((job) => job.index)).toEqual(jobs.map((_, i) => i))
    expect(new Set(jobs.map((job) => job.key)).size).toBe(jobs.length)
    expect(jobs[0]).toMatchObject({
      policy: "cloudsim",
      params: { overload: "thr:0.8", selection: "mmt" },
      trace: "planetlab/20110303"
    })
    expect(jobs[1]?.params).toEqual({ overload: "thr:0.8", selection: "mc" })
    expect(jobs[20]?.policy).toBe("neat")
    expect(jobs[40]?.trace).toBe("planetlab/20110306")
    expect(expandGrid(grid)).toEqual(jobs)
  })

  it("keys a job by its content, not by its place in the grid or the order of parameter names", () => {
    expect(jobKey("neat", { a: 1, b: "x" }, "t")).toBe(jobKey("neat", { b: "x", a: 1 }, "t"))
    expect(jobKey("neat", { a: 1 }, "t")).not.toBe(jobKey("neat", { a: "1" }, "t"))
    expect(jobKey("neat", { a: 1 }, "t")).not.toBe(jobKey("cloudsim", { a: 1 }, "t"))
    const smaller = expandGrid({ ...grid, traces: ["planetlab/20110306"] })
    const whole = new Map(expandGrid(grid).map((job) => [job.key, job]))
    for (const job of smaller) expect(whole.get(job.key)?.trace).toBe("planetlab/20110306")
  })

  it("handles a grid without parameters and labels jobs for people", () => {
    const jobs = expandGrid({ policies: ["npa"], parameters: {}, traces: ["a/20110303/"] })
    expect(jobs.length).toBe(1)
    expect(jobLabel(jobs[0]!)).toBe("npa @ 20110303")
    expect(jobLabel(expandGrid(grid)[1]!)).toBe("cloudsim overload=thr:0.8 selection=mc @ 20110303")
  })
})

describe("sweep shards", () => {
  const jobs = expandGrid(grid)

  it.each([1, 2, 3, 7, 120, 200])("splits the grid into %i disjoint shards that cover it", (count) => {
    const keys = Array.from({ length: count }, (_, index) =>
      selectShard(jobs, Either.getOrThrow(makeShard(index, count, "test"))).map((job) => job.key)
    )
    const union = keys.flat()
    expect(union.length).toBe(jobs.length)
    expect(new Set(union)).toEqual(new Set(jobs.map((job) => job.key)))
    const sizes = keys.map((share) => share.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    // Deterministic: the same shard again gives the same jobs.
    expect(selectShard(jobs, Either.getOrThrow(makeShard(0, count, "test"))).map((job) => job.key)).toEqual(keys[0])
  })

  it("parses K/N and the Indexed Job's completion index", () => {
    expect(Either.getOrThrow(parseShard("2/5"))).toEqual({ index: 2, count: 5 })
    expect(Either.getOrThrow(shardFromEnv(4, { JOB_COMPLETION_INDEX: "3" }))).toEqual({ index: 3, count: 4 })
  })

  it.each([
    ["5/5", "from 0 to 4"],
    ["1/0", "positive integer"],
    ["a/b", "expected K/N"],
    ["-1/3", "expected K/N"]
  ])("rejects the shard %s", (text, message) => {
    const result = parseShard(text)
    expect(Either.isLeft(result) && result.left.message).toContain(message)
  })

  it("rejects a missing or out-of-range completion index", () => {
    const missing = shardFromEnv(4, {})
    expect(Either.isLeft(missing) && missing.left.message).toContain("JOB_COMPLETION_INDEX")
    const outside = shardFromEnv(4, { JOB_COMPLETION_INDEX: "4" })
    expect(Either.isLeft(outside) && outside.left.field).toBe("shard")
  })
})
