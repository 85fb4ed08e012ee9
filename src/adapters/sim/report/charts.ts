/**
 * Inline SVG charts for the HTML report: a labelled scatter plot, line charts of series over time
 * and a bar chart. Pure string building, no script: the page works offline and prints.
 */
import { escapeHtml } from "./escape.js"
import { extent, formatTick, hourTicks, linearScale, niceTicks } from "./scale.js"

export interface Series {
  readonly label: string
  readonly color: string
  readonly x: ArrayLike<number>
  readonly y: ArrayLike<number>
}

export interface Point {
  readonly label: string
  readonly color: string
  readonly x: number
  readonly y: number
}

interface Frame {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
}

const WIDTH = 960
const HEIGHT = 340
const MARGIN = { left: 74, right: 20, top: 34, bottom: 52 }
const PLOT_RIGHT = WIDTH - MARGIN.right
const PLOT_BOTTOM = HEIGHT - MARGIN.bottom

const num = (value: number): string => (Math.round(value * 10) / 10).toString()

/** Axes with grid lines, tick labels and axis titles, for the given tick sets. */
const axes = (
  frame: Frame,
  x: { ticks: Array<number>; step: number; at: (value: number) => number },
  y: { ticks: Array<number>; step: number; at: (value: number) => number }
): string => {
  const parts: Array<string> = []
  for (const tick of y.ticks) {
    const py = num(y.at(tick))
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${PLOT_RIGHT}" y1="${py}" y2="${py}"/>`)
    parts.push(
      `<text class="tick" x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(tick, y.step)}</text>`
    )
  }
  for (const tick of x.ticks) {
    const px = num(x.at(tick))
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${MARGIN.top}" y2="${PLOT_BOTTOM}"/>`)
    parts.push(
      `<text class="tick" x="${px}" y="${PLOT_BOTTOM + 16}" text-anchor="middle">${formatTick(tick, x.step)}</text>`
    )
  }
  parts.push(
    `<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_RIGHT - MARGIN.left}" height="${PLOT_BOTTOM - MARGIN.top}"/>`
  )
  parts.push(`<text class="title" x="${MARGIN.left}" y="20">${escapeHtml(frame.title)}</text>`)
  parts.push(
    `<text class="axis" x="${(MARGIN.left + PLOT_RIGHT) / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(frame.xLabel)}</text>`
  )
  const midY = (MARGIN.top + PLOT_BOTTOM) / 2
  parts.push(
    `<text class="axis" x="16" y="${midY}" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeHtml(frame.yLabel)}</text>`
  )
  return parts.join("")
}

const svg = (frame: Frame, body: string): string =>
  `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(frame.title)}">${body}</svg>`

/** Padded extent so that points do not sit on the frame. */
const padded = (range: [number, number] | undefined, fromZero: boolean): [number, number] => {
  if (range === undefined) return [0, 1]
  let [low, high] = range
  if (fromZero) low = Math.min(0, low)
  const pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1
  // Quantities that cannot be negative (energy, SLAV, hosts) keep a floor at zero.
  return [low >= 0 ? Math.max(0, low - pad) : low - pad, high + pad]
}

const axisFor = (domain: [number, number], rangeLow: number, rangeHigh: number, hours = false) => {
  const { ticks, step } = hours ? hourTicks(domain[0], domain[1]) : niceTicks(domain[0], domain[1])
  const low = Math.min(domain[0], ticks[0] ?? domain[0])
  const high = Math.max(domain[1], ticks[ticks.length - 1] ?? domain[1])
  return { ticks, step, at: linearScale(low, high, rangeLow, rangeHigh) }
}

/** Approximate width of a label in the report's 11 px font, for collision checks. */
const labelWidth = (text: string): number => text.length * 6.2

/** Beyond this many labels a plot is unreadable: points then carry their label as a tooltip only. */
export const MAX_POINT_LABELS = 24

/**
 * One point per item, each labelled beside it (labels moved apart when they would overlap), or,
 * for many points, labelled by tooltip only.
 */
export const scatterChart = (frame: Frame, points: ReadonlyArray<Point>): string => {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
  const x = axisFor(padded(extent(finite.map((p) => p.x)), false), MARGIN.left, PLOT_RIGHT)
  const y = axisFor(padded(extent(finite.map((p) => p.y)), false), PLOT_BOTTOM, MARGIN.top)
  // Runs at the same spot share one label.
  const groups = new Map<string, { px: number; py: number; points: Array<Point> }>()
  for (const p of finite) {
    const px = x.at(p.x)
    const py = y.at(p.y)
    const key = `${num(px)},${num(py)}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, { px, py, points: [p] })
    else group.points.push(p)
  }
  const placed: Array<{ x1: number; x2: number; y: number }> = []
  const dots: Array<string> = []
  const labels: Array<string> = []
  for (const { px, py, points: group } of [...groups.values()].sort((a, b) => a.py - b.py)) {
    const text = group.map((p) => p.label).join(", ")
    const width = labelWidth(text)
    const right = px + 8 + width < PLOT_RIGHT
    const x1 = right ? px + 8 : px - 8 - width
    const x2 = x1 + width
    let ly = py - 6
    for (const offset of [0, 13, -13, 26, -26, 39, -39, 52, -52]) {
      const candidate = py - 6 + offset
      if (!placed.some((box) => box.x1 < x2 && x1 < box.x2 && Math.abs(box.y - candidate) < 12)) {
        ly = candidate
        break
      }
    }
    placed.push({ x1, x2, y: ly })
    if (groups.size > MAX_POINT_LABELS) {
      for (const p of group) {
        dots.push(
          `<circle cx="${num(px)}" cy="${num(py)}" r="4" fill="${p.color}" fill-opacity="0.8"><title>${escapeHtml(p.label)}</title></circle>`
        )
      }
      continue
    }
    for (const p of group) {
      dots.push(
        `<circle cx="${num(px)}" cy="${num(py)}" r="5" fill="${p.color}" stroke="#222" stroke-width="0.6"><title>${escapeHtml(p.label)}</title></circle>`
      )
    }
    labels.push(
      `<text class="label" x="${num(right ? px + 8 : px - 8)}" y="${num(ly)}" text-anchor="${right ? "start" : "end"}">${escapeHtml(text)}</text>`
    )
  }
  // Points above labels: a label's white halo never hides a point.
  return svg(frame, axes(frame, x, y) + labels.join("") + dots.join(""))
}

const legend = (series: ReadonlyArray<{ label: string; color: string }>): string =>
  `<div class="legend">${series
    .map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`)
    .join("")}</div>`

/** Lines over a shared x axis (steps when `step`), with a legend under the chart. */
export const lineChart = (
  frame: Frame,
  series: ReadonlyArray<Series>,
  options: { step?: boolean; hours?: boolean } = {}
): string => {
  const xs = series.flatMap((s) => Array.from(s.x))
  const ys = series.flatMap((s) => Array.from(s.y))
  const xRange = extent(xs) ?? [0, 1]
  const x = axisFor(xRange, MARGIN.left, PLOT_RIGHT, options.hours === true)
  const y = axisFor(padded(extent(ys), true), PLOT_BOTTOM, MARGIN.top)
  const lines = series.map((s) => {
    const points: Array<string> = []
    for (let i = 0; i < s.x.length; i++) {
      const px = num(x.at(s.x[i] ?? 0))
      const py = num(y.at(s.y[i] ?? 0))
      if (options.step === true && i > 0) points.push(`${px},${num(y.at(s.y[i - 1] ?? 0))}`)
      points.push(`${px},${py}`)
    }
    return `<polyline fill="none" stroke="${s.color}" stroke-width="1.6" stroke-linejoin="round" points="${points.join(" ")}"><title>${escapeHtml(s.label)}</title></polyline>`
  })
  return `<figure>${svg(frame, axes(frame, x, y) + lines.join(""))}${legend(series)}</figure>`
}

/** Vertical bars, one per x value (e.g. migrations per step). */
export const barChart = (frame: Frame, series: Series, options: { hours?: boolean } = {}): string => {
  const xRange = extent(Array.from(series.x)) ?? [0, 1]
  const gap = series.x.length > 1 ? ((xRange[1] - xRange[0]) / (series.x.length - 1)) * 0.5 : 0.5
  const x = axisFor([xRange[0] - gap, xRange[1] + gap], MARGIN.left, PLOT_RIGHT, options.hours === true)
  const y = axisFor(padded(extent(Array.from(series.y)), true), PLOT_BOTTOM, MARGIN.top)
  const width = Math.max(1, ((PLOT_RIGHT - MARGIN.left) / Math.max(1, series.x.length)) * 0.8)
  const bars: Array<string> = []
  for (let i = 0; i < series.x.length; i++) {
    const value = series.y[i] ?? 0
    if (value === 0) continue
    const top = y.at(value)
    const px = x.at(series.x[i] ?? 0) - width / 2
    bars.push(
      `<rect x="${num(px)}" y="${num(top)}" width="${num(width)}" height="${num(y.at(0) - top)}" fill="${series.color}"/>`
    )
  }
  return `<figure>${svg(frame, axes(frame, x, y) + bars.join(""))}${legend([series])}</figure>`
}
