/**
 * Every decision of the `neat` policy on two PlanetLab days, written to a file so that a change
 * meant to keep the decisions can be checked byte for byte: 20110303 in CloudSim's VM order and
 * 20110322 in the default order. Each interval gives its simulated time, every local verdict, the
 * requests and the recorded decisions (everything but timestamps and timings); the run ends with
 * its metrics (wall time zeroed) and timeline.
 * Run: `npx tsx bench/neatDecisionsDump.ts OUT_PREFIX` writes OUT_PREFIX-20110303.txt and
 * OUT_PREFIX-20110322.txt (the work runs bundled under plain node); compare with `cmp`.
 * Needs ../shared (or NEAT_SHARED_DIR).
 */
import { spawnSync } from "node:child_process"
import { closeSync, openSync, readFileSync, writeSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { runNeatPolicy } from "../src/adapters/sim/policies/NeatPolicy.js"
import { readPlanetLabTrace } from "../src/adapters/sim/traces/planetLab.js"
import { parseVmOrder } from "../src/adapters/sim/traces/vmOrder.js"
import type { ControlStepResult } from "../src/core/control/ControlStep.js"
import { InputError } from "../src/core/errors.js"
import { bundleForNode } from "./bundleForNode.js"

const self = fileURLToPath(import.meta.url)
const shared = process.env.NEAT_SHARED_DIR ?? resolve(dirname(self), "../../shared")

const days: ReadonlyArray<{ readonly day: string; readonly order: string | undefined }> = [
  { day: "20110303", order: join(shared, "reference/cloudsim-file-order-20110303.csv") },
  { day: "20110322", order: undefined }
]

const stepText = (timeSec: number, step: ControlStepResult): string => {
  const decisions = step.decisions.map((d) => ({
    id: d.id,
    request: d.request,
    outcome: d.outcome,
    status: d.status,
    detail: d.detail,
    inputs: d.inputs,
    placement: d.placement,
    plan: d.plan,
    execution: d.execution
  }))
  return `${JSON.stringify({ timeSec, verdicts: step.verdicts, requests: step.requests, decisions })}\n`
}

const dumpDay = (day: string, orderFile: string | undefined, out: string): void => {
  let order: ReadonlyArray<string> | undefined
  if (orderFile !== undefined) {
    const parsed = parseVmOrder(readFileSync(orderFile, "utf8"), orderFile)
    if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
    order = parsed.right
  }
  const trace = readPlanetLabTrace(join(shared, "traces/planetlab", day), order === undefined ? {} : { order })
  if (trace instanceof InputError) throw new Error(trace.message)
  const fd = openSync(out, "w")
  try {
    const result = runNeatPolicy({ trace, onStep: (timeSec, step) => writeSync(fd, stepText(timeSec, step)) })
    const timeline = Object.fromEntries(Object.entries(result.timeline).map(([key, values]) => [key, [...values]]))
    writeSync(fd, `${JSON.stringify({ metrics: { ...result.metrics, wallSeconds: 0 }, timeline })}\n`)
  } finally {
    closeSync(fd)
  }
}

const prefix = process.argv[2]
if (prefix === undefined) {
  console.error("usage: npx tsx bench/neatDecisionsDump.ts OUT_PREFIX")
  process.exit(2)
}
if (process.env.NEAT_DUMP_CHILD === "1") {
  for (const { day, order } of days) dumpDay(day, order, `${prefix}-${day}.txt`)
} else {
  const bundle = await bundleForNode(self)
  const command = bundle === undefined ? [...process.execArgv, self] : [bundle]
  const child = spawnSync(process.execPath, [...command, resolve(prefix)], {
    stdio: "inherit",
    env: { ...process.env, NEAT_DUMP_CHILD: "1" }
  })
  process.exit(child.status ?? 1)
}
