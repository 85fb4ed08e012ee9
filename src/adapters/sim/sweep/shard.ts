/**
 * Sharding: shard K of N (0-based, like a Kubernetes Indexed Job's JOB_COMPLETION_INDEX) takes the
 * jobs whose grid index is K modulo N. Shards are disjoint, together cover the grid, and stay
 * balanced across policies and traces. Every shard must be given the same grid.
 */
import { Either } from "effect"
import { ConfigError } from "../../../core/errors.js"
import type { SweepJob } from "./SweepJob.js"

export interface Shard {
  readonly index: number
  readonly count: number
}

const shardError = (message: string, source: string) =>
  Either.left(new ConfigError({ field: "shard", message, source }))

/** Checks a shard index and count. */
export const makeShard = (index: number, count: number, source: string): Either.Either<Shard, ConfigError> => {
  if (!Number.isSafeInteger(count) || count < 1)
    return shardError(`the shard count must be a positive integer, got ${count}`, source)
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    return shardError(`the shard index must be an integer from 0 to ${count - 1}, got ${index}`, source)
  }
  return Either.right({ index, count })
}

/** Parses `K/N`. */
export const parseShard = (text: string): Either.Either<Shard, ConfigError> => {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (match === null) return shardError(`expected K/N (e.g. 0/4), got '${text}'`, "--shard")
  return makeShard(Number(match[1]), Number(match[2]), "--shard")
}

/** The shard of a Kubernetes Indexed Job pod: index from JOB_COMPLETION_INDEX, count from `--shards`. */
export const shardFromEnv = (
  count: number,
  env: NodeJS.ProcessEnv = process.env
): Either.Either<Shard, ConfigError> => {
  const text = env.JOB_COMPLETION_INDEX
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    return shardError(
      `--shards needs JOB_COMPLETION_INDEX set to the pod's index, got '${text ?? ""}'`,
      "JOB_COMPLETION_INDEX"
    )
  }
  return makeShard(Number(text), count, "JOB_COMPLETION_INDEX")
}

/** This shard's share of the jobs, in grid order. */
export const selectShard = (jobs: ReadonlyArray<SweepJob>, shard: Shard | undefined): ReadonlyArray<SweepJob> =>
  shard === undefined ? jobs : jobs.filter((job) => job.index % shard.count === shard.index)
