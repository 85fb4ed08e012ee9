/** Failures of the store, wrapped once at the boundary of every database call. */
import { Data } from "effect"

/** A database operation failed: `operation` names the Store method (or "open", "migrate"). */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Wraps anything a driver throws into a StoreError naming the operation. */
export const toStoreError =
  (operation: string) =>
  (cause: unknown): StoreError =>
    new StoreError({
      operation,
      message: `${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause
    })
