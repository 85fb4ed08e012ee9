/** vitest's global setup: the compiled CLI the tests run is up to date with the sources. */
import { ensureFreshBuild } from "./freshBuild.js"

export const setup = (): void => ensureFreshBuild()
