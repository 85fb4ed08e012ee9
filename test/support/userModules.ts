/**
 * User algorithm modules as a user writes them: TypeScript files outside src/, importing Neat's
 * public API as `neat/algorithms` from a folder where Neat is installed (node_modules/neat links
 * to this checkout, as `npm install neat` would provide).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { projectRoot } from "./projectRoot.js"

/** THR re-implemented through the public API, plus an underload twin for the live managers. */
export const thrSource = `import { type Detector, Fraction, Schema, withParams } from "neat/algorithms"

/** THR: overloaded when the newest utilisation exceeds the threshold. */
export const thr = withParams(
  Schema.Struct({ threshold: Fraction }),
  ({ threshold }): Detector<null> => ({
    initialState: null,
    decide: (utilization, state) => [(utilization.at(-1) ?? 0) > threshold, state]
  }),
  { defaults: { threshold: 0.8 }, numericParam: "threshold" }
)

/** Underloaded when the newest utilisation is at most the threshold. */
export const under = withParams(
  Schema.Struct({ threshold: Fraction }),
  ({ threshold }): Detector<null> => ({
    initialState: null,
    decide: (utilization, state) => [(utilization.at(-1) ?? 0) <= threshold, state]
  }),
  { defaults: { threshold: 0.5 }, numericParam: "threshold" }
)
`

/** First fit through the public API: the placement of examples/, the one a user copies, as `firstFit`. */
export const firstFitSource = `${readFileSync(join(projectRoot, "examples", "myPlacement.ts"), "utf8")}
export { firstFitDecreasing as firstFit }
`

/** CloudSim's MMT re-implemented through the public API: the VM with the least memory, the first of equals. */
export const mmtSource = `import type { VmSelector } from "neat/algorithms"

export const mmt = (): VmSelector<null> => ({
  initialState: null,
  select: (vms, state) => {
    let best: { uuid: string; ramMb: number } | undefined
    for (const vm of vms) if (best === undefined || vm.ramMb < best.ramMb) best = vm
    return [best === undefined ? [] : [best.uuid], state]
  }
})
`

/** Everything that can be wrong with a module or what its factory returns. */
export const brokenSource = `export const notAFactory = 42
export const selectionNotDetector = () => ({ initialState: null, select: (vms: unknown, s: unknown) => [[], s] })
export const throwingFactory = () => { throw new Error("no GPU here") }
export const nonJsonState = () => ({ initialState: new Map(), decide: (u: unknown, s: unknown) => [false, s] })
export const badVerdict = () => ({ initialState: null, decide: (u: unknown, s: unknown) => ["yes", s] })
export const throwingDecide = () => ({ initialState: null, decide: () => { throw new Error("division by zero") } })
`

export const throwsOnLoadSource = `throw new Error("cannot reach the licence server")
export const x = () => ({})
`

export interface UserModules {
  readonly dir: string
  readonly thr: string
  readonly firstFit: string
  readonly mmt: string
  readonly broken: string
  readonly throwsOnLoad: string
  readonly remove: () => void
}

/** Writes the modules into a fresh folder with Neat installed; `remove` deletes it. */
export const writeUserModules = (): UserModules => {
  const dir = mkdtempSync(join(tmpdir(), "neat-user-modules-"))
  mkdirSync(join(dir, "node_modules"))
  symlinkSync(projectRoot, join(dir, "node_modules", "neat"), "dir")
  const write = (name: string, source: string) => {
    const file = join(dir, name)
    writeFileSync(file, source)
    return file
  }
  return {
    dir,
    thr: write("thr.ts", thrSource),
    firstFit: write("firstFit.ts", firstFitSource),
    mmt: write("mmt.ts", mmtSource),
    broken: write("broken.ts", brokenSource),
    throwsOnLoad: write("throwsOnLoad.mts", throwsOnLoadSource),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
