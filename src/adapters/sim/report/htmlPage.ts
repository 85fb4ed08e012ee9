/** The page every report is: a self-contained HTML document (inline style and script, no network). */
import { escapeHtml } from "./escape.js"

export interface HtmlPage {
  readonly title: string
  readonly style: string
  /** Already-escaped HTML under the title: a subtitle, then the sections. */
  readonly body: string
  /** Inline JavaScript, if the page is interactive. */
  readonly script?: string | undefined
}

export const htmlPage = (page: HtmlPage): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${page.style}</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.body}
${page.script === undefined ? "" : `<script>${page.script}</script>\n`}</body>
</html>
`
