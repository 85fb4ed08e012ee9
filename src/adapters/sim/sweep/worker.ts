/**
 * A sweep worker thread: loads the runner named in its workerData once, then runs the jobs the
 * main thread sends, one at a time, answering each with its metrics or its failure.
 */
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { parentPort, workerData } from "node:worker_threads"
import { checkMetrics } from "./metricColumns.js"
import type { SweepRunner } from "./SweepJob.js"
import type { FromWorker, ToWorker, WorkerData } from "./workerProtocol.js"

const port = parentPort
if (port === null) throw new Error("the sweep worker must run in a worker thread")
const send = (message: FromWorker): void => port.postMessage(message)
const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const moduleUrl = (module: string): string =>
  module.startsWith("file:") ? module : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href

// A variable, so that bundlers leave tsx out (it finds its loader beside its own file).
const tsxApi = "tsx/esm/api"

/** Imports a runner; a TypeScript one through tsx when no loader runs here (the compiled build's worker). */
const importRunner = async (url: string): Promise<Record<string, unknown>> => {
  try {
    return (await import(url)) as Record<string, unknown>
  } catch (cause) {
    if ((cause as { readonly code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw cause
    const { tsImport } = (await import(tsxApi)) as {
      readonly tsImport: (specifier: string, parentURL: string) => Promise<Record<string, unknown>>
    }
    return tsImport(url, url)
  }
}

const load = async ({ module, exportName }: WorkerData): Promise<SweepRunner | string> => {
  let loaded: Record<string, unknown>
  try {
    loaded = await importRunner(moduleUrl(module))
  } catch (cause) {
    return `cannot load the runner module ${module}: ${describe(cause)}`
  }
  const runner = loaded[exportName]
  return typeof runner === "function" ? (runner as SweepRunner) : `${module} has no function export '${exportName}'`
}

const runner = await load(workerData as WorkerData)
if (typeof runner === "string") {
  send({ type: "fatal", message: runner })
} else {
  port.on("message", (message: ToWorker) => {
    Promise.resolve()
      .then(() => runner(message.job))
      .then(
        (metrics) => {
          const problem = checkMetrics(metrics)
          send(
            problem === undefined
              ? { type: "done", key: message.job.key, metrics }
              : { type: "failed", key: message.job.key, message: problem }
          )
        },
        (cause: unknown) => send({ type: "failed", key: message.job.key, message: describe(cause) })
      )
  })
  send({ type: "ready" })
}
