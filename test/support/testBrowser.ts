/**
 * Debian's chromium for the dashboard's browser tests, driven by playwright-core: headless, no
 * sandbox, and quiet (no update checks or sync traffic, so every request the page makes is its own).
 */
import { type BrowserContext, chromium } from "playwright-core"

export const launchTestBrowser = (
  profileDir: string,
  executablePath: string | undefined,
  viewport: { readonly width: number; readonly height: number }
): Promise<BrowserContext> =>
  chromium.launchPersistentContext(profileDir, {
    ...(executablePath === undefined ? {} : { executablePath }),
    headless: true,
    viewport,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })
