/**
 * A per-worker cache of loaded traces for sweep runners: jobs come in grid order (traces
 * outermost), so consecutive jobs of a worker mostly share a trace. Keeps the `capacity` most
 * recently used traces; concurrent requests for one spec share one load.
 */
export const makeTraceCache = <T>(load: (spec: string) => Promise<T>, capacity = 2): ((spec: string) => Promise<T>) => {
  const entries = new Map<string, Promise<T>>()
  return (spec) => {
    const cached = entries.get(spec)
    if (cached !== undefined) {
      // Most recently used last.
      entries.delete(spec)
      entries.set(spec, cached)
      return cached
    }
    const loading = load(spec)
    entries.set(spec, loading)
    // A failed load is not kept: the next job retries it.
    loading.catch(() => {
      if (entries.get(spec) === loading) entries.delete(spec)
    })
    while (entries.size > capacity) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
    return loading
  }
}
