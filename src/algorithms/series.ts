/** Small numeric helpers over histories, written to round exactly as Neat's Python does. */

/**
 * Mean of the last `n` values (of all of them when there are fewer), summed oldest first as
 * Python's `sum(values[-n:]) / len(values[-n:])` does. `n = 0` means the whole history, as
 * Python's `values[-0:]` does. An empty history has mean 0.
 */
export const meanOfLast = (values: ReadonlyArray<number>, n: number): number => {
  const length = values.length
  if (length === 0) return 0
  const start = n <= 0 || n >= length ? 0 : length - n
  let sum = 0
  for (let i = start; i < length; i++) sum += values[i]!
  return sum / (length - start)
}

/** The last value of a history, or 0 for an empty one. */
export const lastOf = (values: ReadonlyArray<number>): number => (values.length === 0 ? 0 : values[values.length - 1]!)
