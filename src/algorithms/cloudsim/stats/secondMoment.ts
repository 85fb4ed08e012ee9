/**
 * The sum of squared deviations from the mean of `values[offset .. offset + m)`, accumulated as
 * commons-math's `SecondMoment` does (a running mean), so that R² values are CloudSim's to the bit.
 */
export const secondMoment = (values: Float64Array, offset: number, m: number): number => {
  let mean = 0
  let moment = 0
  for (let r = 0; r < m; r++) {
    const seen = r + 1
    const dev = values[offset + r]! - mean
    const nDev = dev / seen
    mean += nDev
    moment += (seen - 1) * dev * nDev
  }
  return moment
}
