/** The flag a mistyped one most likely meant (`--hostz` → `--hosts`), by edit distance. */

/** Levenshtein distance between two words. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The closest of `known` to `given`, when it is close enough to be a typo: at most a third of the
 * longer word's letters differ (2 at least), or one is the other's prefix (`--host` → `--hosts`).
 */
export const closestFlag = (given: string, known: ReadonlyArray<string>): string | undefined => {
  const word = given.split("=")[0]!
  let best: { readonly flag: string; readonly distance: number } | undefined
  for (const flag of known) {
    const distance = editDistance(word, flag)
    if (best === undefined || distance < best.distance) best = { flag, distance }
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.flag.length) / 3))
  if (best.distance <= limit) return best.flag
  const prefixed = known.filter((flag) => word.length >= 4 && (flag.startsWith(word) || word.startsWith(flag)))
  return prefixed.length === 1 ? prefixed[0] : undefined
}
