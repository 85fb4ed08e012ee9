/**
 * Axes whose tick labels never collide: tick counts are chosen from the space each label needs,
 * and margins from the widest label, so that every text of a chart keeps its own box.
 */
import { escapeHtml } from "./escape.js"
import { formatTick, linearScale } from "./scale.js"

/** Upper bound of a text's width in the report's sans-serif font (about 0.6 em per character). */
export const textWidth = (text: string, fontPx = 11): number => text.length * fontPx * 0.6

export const num = (value: number): string => (Math.round(value * 10) / 10).toString()

export interface Axis {
  readonly ticks: ReadonlyArray<number>
  readonly labels: ReadonlyArray<string>
  /** Data value to pixel. */
  readonly at: (value: number) => number
}

/** Gap kept between neighbouring tick labels, pixels. */
const TICK_GAP = 10

/**
 * Round ticks inside [low, high] drawn along `from`→`to` pixels (the scale spans the domain
 * exactly): as many as fit, neighbours apart by a label's width (horizontal axes) or a line
 * (vertical axes) plus a gap.
 */
export const fittedAxis = (
  domain: readonly [number, number],
  from: number,
  to: number,
  options: { readonly horizontal: boolean; readonly hours?: boolean | undefined }
): Axis => {
  const [low, high] = domain[1] > domain[0] ? domain : [domain[0] - 0.5, domain[0] + 0.5]
  const length = Math.abs(to - from)
  const magnitude = 10 ** Math.floor(Math.log10(high - low))
  const steps =
    options.hours === true
      ? [0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720]
      : [0.01, 0.1, 1, 10].flatMap((scale) => [1, 2, 5].map((unit) => unit * scale * magnitude))
  const candidates = steps.map((step) => {
    const ticks: Array<number> = []
    for (let k = Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k++) ticks.push(k === 0 ? 0 : k * step)
    const labels = ticks.map((tick) => formatTick(tick, step))
    const spacing = (step / (high - low)) * length
    const need = options.horizontal ? Math.max(0, ...labels.map((label) => textWidth(label))) + TICK_GAP : 11 + TICK_GAP
    return { ticks, labels, fits: spacing >= need }
  })
  // The finest steps whose labels fit, preferring two ticks or more (and at most ten).
  const chosen = candidates.find((c) => c.fits && c.ticks.length >= 2 && c.ticks.length <= 10) ??
    candidates.find((c) => c.fits && c.ticks.length >= 1) ?? { ticks: [], labels: [] }
  return { ...chosen, at: linearScale(low, high, from, to) }
}

/** A domain padded so that marks do not sit on the frame; quantities that cannot be negative keep 0 as floor. */
export const paddedDomain = (range: readonly [number, number] | undefined, fromZero = false): [number, number] => {
  if (range === undefined) return [0, 1]
  let [low, high] = range
  if (fromZero) low = Math.min(0, low)
  const pad = (high - low) * 0.06 || Math.abs(high) * 0.1 || 1
  return [low >= 0 ? Math.max(0, low - pad) : low - pad, high + pad]
}

export interface Box {
  readonly left: number
  readonly top: number
  readonly right: number
  readonly bottom: number
}

/** Horizontal grid lines and their tick labels, right-aligned left of the box. */
export const yTicks = (box: Box, y: Axis): string =>
  y.ticks
    .map((tick, i) => {
      const py = num(y.at(tick))
      return `<line class="grid" x1="${box.left}" x2="${box.right}" y1="${py}" y2="${py}"/><text class="tick" x="${box.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${y.labels[i] ?? ""}</text>`
    })
    .join("")

/** Vertical grid lines and their tick labels, centred under the box. */
export const xTicks = (box: Box, x: Axis): string =>
  x.ticks
    .map((tick, i) => {
      const px = num(x.at(tick))
      return `<line class="grid" x1="${px}" x2="${px}" y1="${box.top}" y2="${box.bottom}"/><text class="tick" x="${px}" y="${box.bottom + 19}" text-anchor="middle">${x.labels[i] ?? ""}</text>`
    })
    .join("")

export const frameRect = (box: Box): string =>
  `<rect class="frame" x="${num(box.left)}" y="${num(box.top)}" width="${num(box.right - box.left)}" height="${num(box.bottom - box.top)}"/>`

/** The width the y tick labels of an axis need. */
export const yLabelsWidth = (y: Axis): number => Math.max(0, ...y.labels.map((label) => textWidth(label)))

export const svgOpen = (width: number, height: number, label: string, className = "chart"): string =>
  `<svg class="${className}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}">`

/** Chart title at the top left, x axis title under the ticks, y axis title turned along the left edge. */
export const titles = (
  box: Box,
  height: number,
  text: { readonly title: string; readonly xLabel?: string | undefined; readonly yLabel?: string | undefined }
): string => {
  const parts = [`<text class="title" x="${num(box.left)}" y="18">${escapeHtml(text.title)}</text>`]
  if (text.xLabel !== undefined) {
    parts.push(
      `<text class="axis" x="${num((box.left + box.right) / 2)}" y="${height - 8}" text-anchor="middle">${escapeHtml(text.xLabel)}</text>`
    )
  }
  if (text.yLabel !== undefined) {
    const midY = num((box.top + box.bottom) / 2)
    parts.push(
      `<text class="axis" x="14" y="${midY}" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 14 ${midY})">${escapeHtml(text.yLabel)}</text>`
    )
  }
  return parts.join("")
}
