/**
 * SPECpower host power models: watts measured at 0 %, 10 %, …, 100 % CPU utilisation, linearly
 * interpolated in between, exactly as CloudSim's `PowerModelSpecPower` computes it (same
 * floating-point operations, so the same bits).
 */

/** Power at 0 %, 10 %, …, 100 % utilisation, watts (11 values). */
export type PowerTable = Float64Array

/** HP ProLiant ML110 G4 (Intel Xeon 3040, 2 × 1860 MHz), SPECpower_ssj2008. */
export const hpProLiantMl110G4: PowerTable = Float64Array.of(86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117)

/** HP ProLiant ML110 G5 (Intel Xeon 3075, 2 × 2660 MHz), SPECpower_ssj2008. */
export const hpProLiantMl110G5: PowerTable = Float64Array.of(93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135)

/**
 * Power in watts at `utilization` (fraction 0..1). Values outside 0..1 are clamped: CloudSim
 * aborts the run there, which never happens in the configurations it ships.
 *
 * CloudSim returns the table value when `u % 0.1 == 0`. In doubles that holds for 0, 0.1, 0.2,
 * 0.4 and 0.8 only (the exact multiples of the double 0.1 that are themselves doubles), so the
 * test is written as comparisons, which is much cheaper than a floating-point remainder.
 */
export const powerAt = (table: PowerTable, utilization: number): number => {
  const u = utilization < 0 ? 0 : Math.min(utilization, 1)
  if (u === 0 || u === 0.1 || u === 0.2 || u === 0.4 || u === 0.8) return table[Math.trunc(u * 10)]!
  const lower = Math.floor(u * 10)
  const upper = Math.ceil(u * 10)
  const powerLower = table[lower]!
  const delta = (table[upper]! - powerLower) / 10
  return powerLower + delta * (u - lower / 10) * 100
}

/**
 * A power table with its per-step slopes and step starts worked out once: `[0, 11)` the table,
 * `[11, 21)` each step's `(table[k + 1] − table[k]) / 10`, `[22, 33)` the utilisations `k / 10`.
 */
export type PowerCurve = Float64Array

export const powerCurve = (table: PowerTable): PowerCurve => {
  const curve = new Float64Array(33)
  for (let k = 0; k <= 10; k++) {
    curve[k] = table[k]!
    curve[22 + k] = k / 10
  }
  for (let k = 0; k < 10; k++) curve[11 + k] = (table[k + 1]! - table[k]!) / 10
  return curve
}

/**
 * `powerAt` on a curve, the same double without its two divisions. Where `u · 10` is a whole
 * number (every utilisation CloudSim's remainder test lets through among them) the interpolation
 * adds 0 to the table value, so the table value is returned; elsewhere its step's slope is the
 * precomputed one.
 */
export const powerOnCurve = (curve: PowerCurve, utilization: number): number => {
  const u = utilization < 0 ? 0 : Math.min(utilization, 1)
  const scaled = u * 10
  const lower = Math.floor(scaled)
  if (scaled === lower) return curve[lower]!
  return curve[lower]! + curve[11 + lower]! * (u - curve[22 + lower]!) * 100
}

/** `powerAt` written literally as CloudSim does (remainder test); the reference for tests. */
export const powerAtLiteral = (table: PowerTable, utilization: number): number => {
  const u = utilization
  if (u % 0.1 === 0) return table[Math.trunc(u * 10)]!
  const lower = Math.floor(u * 10)
  const upper = Math.ceil(u * 10)
  const powerLower = table[lower]!
  const delta = (table[upper]! - powerLower) / 10
  return powerLower + delta * (u - lower / 10) * 100
}

/** Power at full load, watts. */
export const maxPower = (table: PowerTable): number => table[table.length - 1]!

/** Idle power, watts. */
export const idlePower = (table: PowerTable): number => table[0]!
