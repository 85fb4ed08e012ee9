/** Global managers that live for one test: each one started is closed after the test that started it. */
import { afterEach } from "vitest"
import { type RunningGlobalManager, startGlobalManager } from "./globalManager.js"

/** Registers the clean-up in the calling `describe` and returns the starter to use in its tests. */
export const globalManagerPerTest = (): typeof startGlobalManager => {
  const running: Array<RunningGlobalManager> = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((gm) => gm.close()))
  })
  return async (...args) => {
    const gm = await startGlobalManager(...args)
    running.push(gm)
    return gm
  }
}
