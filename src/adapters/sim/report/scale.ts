/** Axis helpers: round tick values and linear scales from data to pixels. */

/** About `count` round ticks (1, 2 or 5 × 10^k apart) covering [low, high]. */
export const niceTicks = (low: number, high: number, count = 5): { ticks: Array<number>; step: number } => {
  if (!(Number.isFinite(low) && Number.isFinite(high))) return { ticks: [0, 1], step: 1 }
  if (high <= low) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1
    low -= pad
    high += pad
  }
  const rough = (high - low) / Math.max(1, count)
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const fraction = rough / magnitude
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
  const first = Math.floor(low / step + 1e-9) * step
  const last = Math.ceil(high / step - 1e-9) * step
  const ticks: Array<number> = []
  for (let value = first; value <= last + step * 1e-6; value += step)
    ticks.push(Math.abs(value) < step * 1e-9 ? 0 : value)
  return { ticks, step }
}

/** Ticks for a time axis in hours: steps of 1, 2, 3, 4, 6, 12 or 24 hours (or a multiple of days). */
export const hourTicks = (low: number, high: number, count = 8): { ticks: Array<number>; step: number } => {
  const span = Math.max(high - low, 1e-9)
  const candidates = [0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720]
  let step = candidates.find((candidate) => span / candidate <= count) ?? 24 * Math.ceil(span / (24 * count))
  if (!Number.isFinite(step) || step <= 0) step = 1
  const ticks: Array<number> = []
  const last = Math.ceil(high / step - 1e-9) * step
  for (let value = Math.floor(low / step) * step; value <= last + step * 1e-6; value += step) ticks.push(value)
  return { ticks, step }
}

/** A tick label with as many decimals as the step needs. */
export const formatTick = (value: number, step: number): string => {
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)))
  return value.toFixed(decimals)
}

/** Maps [domainLow, domainHigh] onto [rangeLow, rangeHigh]. */
export const linearScale =
  (domainLow: number, domainHigh: number, rangeLow: number, rangeHigh: number) =>
  (value: number): number =>
    domainHigh === domainLow
      ? (rangeLow + rangeHigh) / 2
      : rangeLow + ((value - domainLow) / (domainHigh - domainLow)) * (rangeHigh - rangeLow)

/** Smallest and largest finite values, or undefined when there are none. */
export const extent = (values: Iterable<number>): [number, number] | undefined => {
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const value of values) {
    if (!Number.isFinite(value)) continue
    if (value < low) low = value
    if (value > high) high = value
  }
  return low <= high ? [low, high] : undefined
}
