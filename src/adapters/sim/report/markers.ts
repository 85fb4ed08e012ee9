/**
 * How a configuration is drawn: one of ten colours and one of four marker shapes (and the matching
 * line dash), so that 40 configurations stay distinct without a label on any point.
 */

/** Okabe–Ito and Tableau colours that stay apart for colour-blind readers and in grey print. */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#d55e00",
  "#cc79a7",
  "#56b4e9",
  "#8c564b",
  "#000000",
  "#b8a100",
  "#7f7f7f"
] as const

export type MarkerShape = "circle" | "square" | "triangle" | "diamond"

export const SHAPES: ReadonlyArray<MarkerShape> = ["circle", "square", "triangle", "diamond"]

/** Line dash per shape: the timelines of configurations that share a colour differ by dash. */
const DASHES: Readonly<Record<MarkerShape, string>> = {
  circle: "",
  square: "6 3",
  triangle: "2 2",
  diamond: "8 3 2 3"
}

export interface Look {
  readonly color: string
  readonly shape: MarkerShape
  readonly dash: string
}

/** The look of the `index`-th configuration: colours first, then the next shape (unique up to 40). */
export const lookOf = (index: number): Look => {
  const color = PALETTE[index % PALETTE.length] ?? "#000000"
  const shape = SHAPES[Math.floor(index / PALETTE.length) % SHAPES.length] ?? "circle"
  return { color, shape, dash: DASHES[shape] }
}

const num = (value: number): string => (Math.round(value * 10) / 10).toString()

/** An SVG marker centred on (x, y), `size` across; filled, thinly outlined. */
export const markerSvg = (look: Look, x: number, y: number, size: number, extra = ""): string => {
  const r = size / 2
  const paint = `fill="${look.color}" stroke="#1d1d1f" stroke-width="0.7"${extra}`
  switch (look.shape) {
    case "circle":
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" ${paint}/>`
    case "square":
      return `<rect x="${num(x - r * 0.9)}" y="${num(y - r * 0.9)}" width="${num(r * 1.8)}" height="${num(r * 1.8)}" ${paint}/>`
    case "triangle":
      return `<path d="M${num(x)} ${num(y - r * 1.1)}L${num(x + r * 1.05)} ${num(y + r * 0.75)}L${num(x - r * 1.05)} ${num(y + r * 0.75)}Z" ${paint}/>`
    case "diamond":
      return `<path d="M${num(x)} ${num(y - r * 1.2)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r * 1.2)}L${num(x - r)} ${num(y)}Z" ${paint}/>`
  }
}

/** A small inline SVG of the marker, for tables and legends. */
export const markerIcon = (look: Look): string =>
  `<svg class="mark" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">${markerSvg(look, 6, 6, 9)}</svg>`
