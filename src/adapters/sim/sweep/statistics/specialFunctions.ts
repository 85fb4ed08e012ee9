/**
 * The special functions behind the sweep's tests: log-gamma, the regularised incomplete beta and
 * gamma functions, and the normal distribution. Double precision throughout (relative errors
 * around 1e-14), following Numerical Recipes' continued fractions with Lentz's method.
 */

const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
] as const

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms), by reflection below 0.5. */
export const lnGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i)
  const t = z + LANCZOS_G + 0.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

const EPSILON = 1e-16
const TINY = 1e-300
const MAX_ITERATIONS = 10_000

/** The continued fraction of I_x(a, b), converging for x < (a + 1) / (a + b + 2). */
const betaContinuedFraction = (a: number, b: number, x: number): number => {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) return h
  }
  return h
}

/**
 * The regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1. `y` is 1 - x,
 * passed separately when the caller knows it more precisely than 1 - x can be computed.
 */
export const regularizedIncompleteBeta = (a: number, b: number, x: number, y: number = 1 - x): number => {
  if (!(a > 0 && b > 0) || Number.isNaN(x) || x < 0 || x > 1) return Number.NaN
  if (x === 0) return 0
  if (y === 0) return 1
  const lnFront = a * Math.log(x) + b * Math.log(y) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b))
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, y)) / b
}

/** The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), a > 0, x >= 0. */
export const regularizedUpperGamma = (a: number, x: number): number => {
  if (!(a > 0) || Number.isNaN(x) || x < 0) return Number.NaN
  if (x === 0) return 1
  const lnFront = a * Math.log(x) - x - lnGamma(a)
  if (x < a + 1) {
    // The series of P(a, x), then Q = 1 - P.
    let term = 1 / a
    let sum = term
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (a + n)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break
    }
    return 1 - sum * Math.exp(lnFront)
  }
  // The continued fraction of Q(a, x).
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return Math.exp(lnFront) * h
}

/** The complementary error function, erfc(x) = Q(1/2, x²) for x >= 0. */
export const erfc = (x: number): number => {
  if (Number.isNaN(x)) return Number.NaN
  const q = regularizedUpperGamma(0.5, x * x)
  return x >= 0 ? q : 2 - q
}

/** Φ(z), the standard normal distribution function. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2)

/** P(|Z| >= |z|) for a standard normal Z, computed without cancellation. */
export const normalTwoSidedP = (z: number): number => erfc(Math.abs(z) / Math.SQRT2)
