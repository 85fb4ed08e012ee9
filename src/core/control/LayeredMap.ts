/**
 * A read-only map made of a base map and a few changed or added entries, so that a snapshot of the
 * cloud can change a handful of VMs without copying the thousands it holds. It reads and iterates
 * exactly like the `Map` that copying the base and setting the changes would give: base entries in
 * their order (with changed values), then added keys in the order they were added.
 *
 * Layering over a layered map merges the two change sets over the same base; once the changes
 * outgrow about the square root of the base (the break-even of copying them on every layer
 * against copying the base once), they are folded into a new base.
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly changes: ReadonlyMap<K, V>,
    private readonly added: number
  ) {}

  /** `map` with `changes` set on it, without modifying either. */
  static with<K, V>(map: ReadonlyMap<K, V>, changes: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
    // Copies go through forEach: iterating a map allocates an entry pair per element.
    const base = map instanceof LayeredMap ? (map as LayeredMap<K, V>).base : map
    const merged = new Map<K, V>()
    if (map instanceof LayeredMap)
      (map as LayeredMap<K, V>).changes.forEach((value, key) => {
        merged.set(key, value)
      })
    for (const [key, value] of changes) merged.set(key, value)
    if (merged.size === 0) return map
    if (merged.size * merged.size > 2 * base.size + 64) {
      const flat = new Map<K, V>()
      const into = (value: V, key: K): void => {
        flat.set(key, value)
      }
      base.forEach(into)
      merged.forEach(into)
      return flat
    }
    let added = 0
    for (const key of merged.keys()) if (!base.has(key)) added++
    return new LayeredMap(base, merged, added)
  }

  get size(): number {
    return this.base.size + this.added
  }

  get(key: K): V | undefined {
    const changed = this.changes.get(key)
    return changed !== undefined || this.changes.has(key) ? changed : this.base.get(key)
  }

  has(key: K): boolean {
    return this.changes.has(key) || this.base.has(key)
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      yield [key, this.changes.has(key) ? (this.changes.get(key) as V) : value]
    }
    for (const [key, value] of this.changes) if (!this.base.has(key)) yield [key, value]
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this)
  }
}
