/**
 * A small, fast, seeded pseudo-random generator (SFC32, seeded through SplitMix32) for workload
 * generation: the same seed and stream always give the same sequence, on every platform.
 * Not for cryptography.
 */

/** SplitMix32 step: spreads a 32-bit value over all bits (used to derive seeds). */
export const mix32 = (value: number): number => {
  let z = (value + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number
  /** A second normal deviate left over from the last Box–Muller draw. */
  private spareNormal = Number.NaN

  /**
   * @param seed any integer; the generator depends only on its low 32 bits
   * @param stream an independent sub-sequence (e.g. a VM index), so streams never overlap in practice
   */
  constructor(seed: number, stream = 0) {
    const s = mix32(seed >>> 0)
    const t = mix32(s ^ mix32(stream >>> 0))
    this.a = mix32(t)
    this.b = mix32(this.a ^ 0x6a09e667)
    this.c = mix32(this.b ^ 0xbb67ae85)
    this.d = 1
    // Discard the first outputs: SFC32 needs a few rounds to decorrelate close seeds.
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next()
  }

  /** A standard normal deviate (Box–Muller, two per draw). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal
      this.spareNormal = Number.NaN
      return spare
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()))
    const angle = 2 * Math.PI * this.next()
    this.spareNormal = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }

  /** An exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }
}
