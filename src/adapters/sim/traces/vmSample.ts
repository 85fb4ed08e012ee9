/**
 * A reproducible sample of N VMs out of a stream of ids: each id gets a seeded hash, and the N ids
 * with the smallest hashes are kept (bottom-k sampling). The choice depends only on the seed and the
 * set of ids, never on the order in which they come or on how the files are split, so it is the
 * same on every run and every machine, and a larger N keeps every VM a smaller one chose.
 */
import { mix32 } from "./Prng.js"

/** A seeded hash of an id in [0, 1), 53 bits (two 32-bit FNV-1a lanes, mixed). */
export const sampleHash = (id: string, seed: number): number => {
  let a = (0x811c9dc5 ^ mix32(seed >>> 0)) >>> 0
  let b = (0x01000193 ^ mix32((seed >>> 0) ^ 0x5bd1e995)) >>> 0
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15)
  }
  const high = mix32(a ^ mix32(b)) >>> 11 // 21 bits
  const low = mix32(b ^ 0x9e3779b9) // 32 bits
  return (high * 4294967296 + low) / 9007199254740992
}

/** A copy of a string: a substring would keep the whole chunk of text it was cut from alive. */
export const ownString = (text: string): string => Buffer.from(text, "utf8").toString("utf8")

/** Keeps the k ids of smallest hash seen so far (a max-heap on hash, ties broken by id). */
export class BottomK {
  private readonly hashes: Array<number> = []
  private readonly ids: Array<string> = []

  constructor(
    readonly k: number,
    private readonly seed: number
  ) {}

  get size(): number {
    return this.ids.length
  }

  private above(i: number, j: number): boolean {
    const hi = this.hashes[i]!
    const hj = this.hashes[j]!
    return hi > hj || (hi === hj && this.ids[i]! > this.ids[j]!)
  }

  private swap(i: number, j: number): void {
    const h = this.hashes[i]!
    this.hashes[i] = this.hashes[j]!
    this.hashes[j] = h
    const id = this.ids[i]!
    this.ids[i] = this.ids[j]!
    this.ids[j] = id
  }

  /**
   * Offers an id not offered before. Returns `accepted: false` when it is out of the sample;
   * otherwise `evicted` is the id it displaced, if any (that id is out of the sample for good).
   */
  offer(id: string): { readonly accepted: boolean; readonly evicted?: string | undefined } {
    const hash = sampleHash(id, this.seed)
    if (this.ids.length < this.k) {
      this.hashes.push(hash)
      this.ids.push(ownString(id))
      let i = this.ids.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!this.above(i, parent)) break
        this.swap(i, parent)
        i = parent
      }
      return { accepted: true }
    }
    const top = this.hashes[0]!
    if (hash > top || (hash === top && id >= this.ids[0]!)) return { accepted: false }
    const evicted = this.ids[0]!
    this.hashes[0] = hash
    this.ids[0] = ownString(id)
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let largest = i
      if (left < this.ids.length && this.above(left, largest)) largest = left
      if (right < this.ids.length && this.above(right, largest)) largest = right
      if (largest === i) break
      this.swap(i, largest)
      i = largest
    }
    return { accepted: true, evicted }
  }
}

/** The k ids of smallest hash among `ids` (all of them when k is undefined or not smaller). */
export const sampleIds = (ids: ReadonlyArray<string>, k: number | undefined, seed: number): Set<string> => {
  if (k === undefined || k >= ids.length) return new Set(ids)
  const scored = ids.map((id) => ({ id, hash: sampleHash(id, seed) }))
  scored.sort((x, y) => x.hash - y.hash || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  return new Set(scored.slice(0, k).map((entry) => entry.id))
}
