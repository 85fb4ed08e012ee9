/**
 * Where `neat sweep` finds its default runner: `runSimulationJob` in simulationJob.ts beside this
 * file (compiled: dist/simulation-job.js), which loads the job's trace (cached per worker) and runs the simulator on it.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { ConfigError } from "../../../core/errors.js"
import { distFile, isCompiled } from "../../../packageRoot.js"
import type { RunnerRef } from "./SweepJob.js"

export const simulationRunnerRef: RunnerRef = {
  // Compiled, the runner is an entry point of the build (plain JavaScript, no bundling at run time).
  module: fileURLToPath(isCompiled ? distFile("simulation-job") : new URL("./simulationJob.ts", import.meta.url)),
  exportName: "runSimulationJob"
}

/** Parses `--runner MODULE#EXPORT` and checks that the module file exists. */
export const parseRunnerRef = (text: string | undefined): Either.Either<RunnerRef, ConfigError> => {
  if (text === undefined) {
    return existsSync(simulationRunnerRef.module)
      ? Either.right(simulationRunnerRef)
      : Either.left(
          new ConfigError({
            field: "runner",
            message: `the simulation runner ${simulationRunnerRef.module} is not available; pass --runner MODULE#EXPORT`
          })
        )
  }
  const hash = text.lastIndexOf("#")
  const module = hash < 0 ? "" : text.slice(0, hash)
  const exportName = hash < 0 ? "" : text.slice(hash + 1)
  if (module === "" || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    return Either.left(new ConfigError({ field: "runner", message: "expected MODULE#EXPORT", source: text }))
  }
  const path = module.startsWith("file:") ? fileURLToPath(module) : module
  const candidates = [path, path.replace(/\.js$/, ".ts")]
  if (!candidates.some((candidate) => existsSync(candidate))) {
    return Either.left(new ConfigError({ field: "runner", message: `no such module: ${module}`, source: text }))
  }
  return Either.right({ module: candidates.find((candidate) => existsSync(candidate)) ?? path, exportName })
}
