/**
 * The sweep report's charts: configuration means with 95 % interval bars, box plots of each metric
 * across days, and overlaid mean timelines. Marks carry `data-config` so that the page's tables and
 * legends can highlight them; no point carries a text label.
 */
import { escapeHtml } from "./escape.js"
import { type Look, markerSvg } from "./markers.js"
import {
  type Box,
  fittedAxis,
  frameRect,
  num,
  paddedDomain,
  svgOpen,
  textWidth,
  titles,
  xTicks,
  yLabelsWidth,
  yTicks
} from "./plotFrame.js"
import { extent } from "./scale.js"

const WIDTH = 960

export interface IntervalPoint {
  readonly config: number
  readonly look: Look
  readonly x: number
  readonly y: number
  readonly xInterval: readonly [number, number] | null
  readonly yInterval: readonly [number, number] | null
  /** Shown on hover. */
  readonly tooltip: string
}

interface ChartText {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
}

/** Left margin for y tick labels of this width and the turned axis title. */
const leftMargin = (labelsWidth: number): number => Math.ceil(34 + labelsWidth + 8)

/** One marker per configuration at its means, with its intervals as bars along both axes. */
export const intervalScatter = (text: ChartText, points: ReadonlyArray<IntervalPoint>, height = 460): string => {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
  const xs = finite.flatMap((p) => [p.x, ...(p.xInterval ?? [])])
  const ys = finite.flatMap((p) => [p.y, ...(p.yInterval ?? [])])
  const top = 32
  const bottom = height - 48
  const y = fittedAxis(paddedDomain(extent(ys)), bottom, top, { horizontal: false })
  const left = leftMargin(yLabelsWidth(y))
  const right = WIDTH - 30
  const x = fittedAxis(paddedDomain(extent(xs)), left, right, { horizontal: true })
  const box: Box = { left, top, right, bottom }
  const marks = finite.map((p) => {
    const px = x.at(p.x)
    const py = y.at(p.y)
    const bars: Array<string> = []
    if (p.xInterval !== null) {
      const [a, b] = p.xInterval.map(x.at) as [number, number]
      bars.push(
        `<path class="ci" d="M${num(a)} ${num(py)}H${num(b)}M${num(a)} ${num(py - 3)}V${num(py + 3)}M${num(b)} ${num(py - 3)}V${num(py + 3)}" stroke="${p.look.color}"/>`
      )
    }
    if (p.yInterval !== null) {
      const [a, b] = p.yInterval.map(y.at) as [number, number]
      bars.push(
        `<path class="ci" d="M${num(px)} ${num(a)}V${num(b)}M${num(px - 3)} ${num(a)}H${num(px + 3)}M${num(px - 3)} ${num(b)}H${num(px + 3)}" stroke="${p.look.color}"/>`
      )
    }
    return `<g class="pt" data-config="${p.config}"><title>${escapeHtml(p.tooltip)}</title>${bars.join("")}${markerSvg(p.look, px, py, 10)}</g>`
  })
  return `${svgOpen(WIDTH, height, text.title)}${yTicks(box, y)}${xTicks(box, x)}${frameRect(box)}${titles(box, height, text)}${marks.join("")}</svg>`
}

export interface BoxRow {
  readonly config: number
  /** Drawn beside the row (short); `tooltip` holds the full label. */
  readonly label: string
  readonly tooltip: string
  readonly look: Look
  /** One value per metric panel: the day values and the quartiles (undefined when no day ran). */
  readonly boxes: ReadonlyArray<BoxStats | undefined>
}

export interface BoxStats {
  readonly values: ReadonlyArray<number>
  readonly q1: number
  readonly median: number
  readonly q3: number
}

/** Configuration labels longer than this are cut (the full label is in the tooltip and the tables). */
const MAX_LABEL_CHARS = 36
const ROW_HEIGHT = 17

const shorten = (label: string): string =>
  label.length <= MAX_LABEL_CHARS ? label : `${label.slice(0, MAX_LABEL_CHARS - 1)}…`

/**
 * Box plots side by side, one panel per metric and one row per configuration: the box spans the
 * quartiles, the bar is the median, the whisker spans every day, and each day is a dot.
 */
export const boxPlotPanels = (title: string, panels: ReadonlyArray<string>, rows: ReadonlyArray<BoxRow>): string => {
  const labelsWidth = Math.max(60, ...rows.map((row) => textWidth(shorten(row.label)) + 18))
  const top = 44
  const bottom = top + rows.length * ROW_HEIGHT + 4
  const height = bottom + 28
  const gap = 18
  const first = Math.ceil(labelsWidth + 8)
  const panelWidth = (WIDTH - 8 - first - gap * (panels.length - 1)) / Math.max(1, panels.length)
  const rowY = (i: number): number => top + 2 + ROW_HEIGHT * i + ROW_HEIGHT / 2
  const parts: Array<string> = [`<text class="title" x="8" y="18">${escapeHtml(title)}</text>`]
  const axes = panels.map((panel, p) => {
    const left = first + p * (panelWidth + gap)
    const values = rows.flatMap((row) => row.boxes[p]?.values ?? [])
    const domain = paddedDomain(extent(values))
    // Edge ticks' labels stay inside their panel: inset the scale by half the widest label.
    const rough = fittedAxis(domain, left + 4, left + panelWidth - 4, { horizontal: true })
    const inset = Math.max(4, Math.max(...rough.labels.map((label) => textWidth(label))) / 2 + 2)
    const x = fittedAxis(domain, left + inset, left + panelWidth - inset, { horizontal: true })
    const box: Box = { left, top, right: left + panelWidth, bottom }
    parts.push(
      `<text class="axis" x="${num(left + panelWidth / 2)}" y="${top - 8}" text-anchor="middle">${escapeHtml(panel)}</text>`
    )
    parts.push(xTicks(box, x), frameRect(box))
    return x
  })
  rows.forEach((row, i) => {
    const cy = rowY(i)
    const marks: Array<string> = [
      `<rect class="band" x="0" y="${num(cy - ROW_HEIGHT / 2)}" width="${WIDTH}" height="${ROW_HEIGHT}"/>`,
      `<svg x="6" y="${num(cy - 5)}" width="10" height="10" viewBox="0 0 12 12" overflow="visible">${markerSvg(row.look, 6, 6, 9)}</svg>`,
      `<text class="rowlabel" x="20" y="${num(cy)}" dominant-baseline="middle">${escapeHtml(shorten(row.label))}</text>`
    ]
    row.boxes.forEach((stats, p) => {
      const x = axes[p]
      if (stats === undefined || x === undefined || stats.values.length === 0) return
      const low = x.at(Math.min(...stats.values))
      const high = x.at(Math.max(...stats.values))
      const q1 = x.at(stats.q1)
      const q3 = x.at(stats.q3)
      const median = x.at(stats.median)
      marks.push(
        `<path class="whisker" d="M${num(low)} ${num(cy)}H${num(high)}M${num(low)} ${num(cy - 3)}V${num(cy + 3)}M${num(high)} ${num(cy - 3)}V${num(cy + 3)}"/>`,
        `<rect class="box" x="${num(q1)}" y="${num(cy - 5)}" width="${num(Math.max(1, q3 - q1))}" height="10" fill="${row.look.color}"/>`,
        `<path class="median" d="M${num(median)} ${num(cy - 6)}V${num(cy + 6)}"/>`,
        ...stats.values.map((value) => `<circle class="day" cx="${num(x.at(value))}" cy="${num(cy)}" r="1.6"/>`)
      )
    })
    parts.push(
      `<g class="pt row" data-config="${row.config}"><title>${escapeHtml(row.tooltip)}</title>${marks.join("")}</g>`
    )
  })
  return `${svgOpen(WIDTH, height, title, "chart boxes")}${parts.join("")}</svg>`
}

export interface TimelineSeries {
  readonly config: number
  readonly label: string
  readonly look: Look
  readonly x: ReadonlyArray<number>
  readonly y: ReadonlyArray<number>
}

/** Lines over time in hours, one per configuration, drawn in its colour and dash. */
export const timelineChart = (text: ChartText, series: ReadonlyArray<TimelineSeries>, height = 300): string => {
  const top = 32
  const bottom = height - 48
  const y = fittedAxis(paddedDomain(extent(series.flatMap((s) => s.y)), true), bottom, top, { horizontal: false })
  const left = leftMargin(yLabelsWidth(y))
  const right = WIDTH - 30
  const x = fittedAxis(extent(series.flatMap((s) => s.x)) ?? [0, 1], left, right, { horizontal: true, hours: true })
  const box: Box = { left, top, right, bottom }
  const lines = series.map((s) => {
    const points = s.x.map((value, i) => `${num(x.at(value))},${num(y.at(s.y[i] ?? 0))}`).join(" ")
    const dash = s.look.dash === "" ? "" : ` stroke-dasharray="${s.look.dash}"`
    return `<g class="pt" data-config="${s.config}"><title>${escapeHtml(s.label)}</title><polyline class="line" points="${points}" stroke="${s.look.color}"${dash}/></g>`
  })
  return `${svgOpen(WIDTH, height, text.title)}${yTicks(box, y)}${xTicks(box, x)}${frameRect(box)}${titles(box, height, text)}${lines.join("")}</svg>`
}
