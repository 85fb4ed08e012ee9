/**
 * The sweep report in a real browser: Debian's chromium driven by playwright-core renders a
 * 40-configuration (and a 20-configuration) sweep report, checks that no two texts of any chart
 * overlap or leave their chart, that wide tables scroll with their first column frozen, and that
 * pointing at a table row highlights that configuration's marks. Needs NEAT_TEST_CHROMIUM (set by
 * .ci/services/chromium.sh); NEAT_UPDATE_DOCS_SCREENSHOT=1 also refreshes docs/sweep-report.png.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { renderSweepReport } from "../../../../src/adapters/sim/report/renderSweepReport.js"
import { projectRoot } from "../../../support/projectRoot.js"
import { describeWithRequirement, serverEnv } from "../../../support/requirement.js"
import { BASELINE_LABEL, sampleStatistics, sampleSweepRows } from "./sampleSweep.js"

const env = serverEnv(
  ["NEAT_TEST_CHROMIUM"],
  "the sweep report's browser test needs chromium (.ci/services/chromium.sh)"
)

interface Overlap {
  readonly chart: string
  readonly a: string
  readonly b: string
}

interface TextCheck {
  readonly charts: number
  readonly texts: number
  readonly overlaps: ReadonlyArray<Overlap>
  readonly outside: ReadonlyArray<string>
}

interface FrozenTable {
  readonly position: string
  readonly scrolls: boolean
  readonly scrolled: number
  readonly before: { readonly first: number; readonly later: number }
  readonly after: { readonly first: number; readonly later: number }
}

// The checks run in the page, so they are plain JavaScript (the project compiles without DOM types).

/** Pairs of texts whose boxes intersect, and texts that leave their chart, in every chart of the page. */
const TEXT_COLLISIONS = `(() => {
  const overlaps = []
  const outside = []
  let texts = 0
  const charts = [...document.querySelectorAll("svg.chart")]
  for (const chart of charts) {
    const name = chart.getAttribute("aria-label") || "?"
    const frame = chart.getBoundingClientRect()
    const boxes = [...chart.querySelectorAll("text")].map((text) => ({ text: text.textContent || "", box: text.getBoundingClientRect() }))
    texts += boxes.length
    for (const { text, box } of boxes) {
      if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1)
        outside.push(name + ": " + text)
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box
        const b = boxes[j].box
        // Half a pixel of slack for anti-aliased edges.
        const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5
        if (!apart) overlaps.push({ chart: name, a: boxes[i].text, b: boxes[j].text })
      }
    }
  }
  return { charts: charts.length, texts, overlaps, outside }
})()`

/** For each frozen table: where its first column and its last column are before and after scrolling it sideways. */
const FROZEN_COLUMNS = `[...document.querySelectorAll("table.frozen")].map((table) => {
  const scroller = table.parentElement
  const first = table.querySelector("tbody .first")
  const later = table.querySelector("tbody tr > :last-child")
  const before = { first: first.getBoundingClientRect().left, later: later.getBoundingClientRect().left }
  scroller.scrollLeft = 300
  const scrolled = scroller.scrollLeft
  const after = { first: first.getBoundingClientRect().left, later: later.getBoundingClientRect().left }
  const scrolls = scroller.scrollWidth > scroller.clientWidth
  scroller.scrollLeft = 0
  return { position: getComputedStyle(first).position, scrolls, scrolled, before, after }
})`

/** Pairs of configuration legend entries whose boxes intersect. */
const LEGEND_COLLISIONS = `(() => {
  const overlaps = []
  for (const legend of document.querySelectorAll(".legend")) {
    const boxes = [...legend.querySelectorAll("span")].map((span) => ({ text: span.textContent || "", box: span.getBoundingClientRect() }))
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box
        const b = boxes[j].box
        if (!(a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5))
          overlaps.push(boxes[i].text + " / " + boxes[j].text)
      }
  }
  return overlaps
})()`

const textCollisions = (page: Page): Promise<TextCheck> => page.evaluate(TEXT_COLLISIONS) as Promise<TextCheck>
const frozenColumns = (page: Page): Promise<ReadonlyArray<FrozenTable>> =>
  page.evaluate(FROZEN_COLUMNS) as Promise<ReadonlyArray<FrozenTable>>

describeWithRequirement("sweep report in a browser", env, (values) => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "neat-sweep-report-"))
    browser = await chromium.launch({
      executablePath: values.NEAT_TEST_CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  const open = async (configurations: number) => {
    const rows = sampleSweepRows(configurations, 10, { timelines: true })
    const file = join(dir, `sweep-${configurations}.html`)
    writeFileSync(
      file,
      renderSweepReport({
        rows,
        statistics: sampleStatistics(rows, BASELINE_LABEL),
        baseline: BASELINE_LABEL,
        title: `Neat sweep report: ${configurations} configurations × 10 PlanetLab days`
      })
    )
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    const elsewhere: Array<string> = []
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) elsewhere.push(request.url())
    })
    await page.goto(pathToFileURL(file).href)
    return { page, elsewhere }
  }

  for (const configurations of [40, 20]) {
    it(`renders ${configurations} configurations with no overlapping text, frozen first columns and linked highlighting`, async () => {
      const { page, elsewhere } = await open(configurations)

      const texts = await textCollisions(page)
      expect(texts.charts).toBe(6)
      expect(texts.texts).toBeGreaterThan(configurations * 2)
      expect(texts.overlaps).toEqual([])
      expect(texts.outside).toEqual([])
      expect(await page.evaluate(LEGEND_COLLISIONS)).toEqual([])
      if (configurations === 40) {
        // The check itself finds a collision: a copy of a tick label placed on its original.
        await page.evaluate(
          `(() => { const tick = document.querySelector("svg.chart text.tick"); tick.parentNode.appendChild(tick.cloneNode(true)) })()`
        )
        expect((await textCollisions(page)).overlaps).toHaveLength(1)
        await page.reload()
      }

      const tables = await frozenColumns(page)
      expect(tables).toHaveLength(3)
      for (const table of tables) expect(table.position).toBe("sticky")
      const scrolling = tables.filter((table) => table.scrolls)
      expect(scrolling.length).toBeGreaterThan(0)
      for (const table of scrolling) {
        // The first column stays where it was while the rest moves under it.
        expect(Math.abs(table.after.first - table.before.first)).toBeLessThan(1)
        expect(table.scrolled).toBeGreaterThan(0)
        expect(table.before.later - table.after.later).toBeCloseTo(table.scrolled, 0)
      }

      // The picture, before any highlighting.
      const screenshot = join(dir, `sweep-report-${configurations}.png`)
      await page.screenshot({ path: screenshot, fullPage: true })
      expect(existsSync(screenshot)).toBe(true)
      if (configurations === 40 && process.env.NEAT_UPDATE_DOCS_SCREENSHOT === "1") {
        copyFileSync(screenshot, join(projectRoot, "docs/sweep-report.png"))
      }

      // Pointing at a summary row highlights that configuration's marks and dims the others.
      const row = page.locator('table.frozen tbody tr[data-config="7"]').first()
      await row.hover()
      expect(await page.evaluate(`document.body.classList.contains("focus")`)).toBe(true)
      expect(await page.locator('svg.chart g.pt.hl[data-config="7"]').count()).toBeGreaterThanOrEqual(3)
      expect(await page.locator("svg.chart g.pt.hl:not([data-config='7'])").count()).toBe(0)
      // A click keeps it after the pointer leaves.
      await row.click()
      await page.mouse.move(2, 2)
      expect(await page.locator('g.pt.hl[data-config="7"]').count()).toBeGreaterThanOrEqual(3)
      await page.close()
      expect(elsewhere).toEqual([])
    }, 120_000)
  }
})
