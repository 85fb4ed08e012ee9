/** Errors shared across the project. Each failure mode is one tagged class carrying its context. */
import { Data } from "effect"

/** A configuration value is wrong: `field` names it, `message` says why. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly field: string
  readonly message: string
  readonly source?: string | undefined
}> {}

/** An input file or document is wrong at a known place. */
export class InputError extends Data.TaggedError("InputError")<{
  readonly file: string
  readonly line?: number | undefined
  readonly field?: string | undefined
  readonly message: string
}> {}

/** The cloud has no host of that name. */
export class UnknownHost extends Data.TaggedError("UnknownHost")<{ readonly host: string }> {}

/** The cloud has no VM of that UUID. */
export class UnknownVm extends Data.TaggedError("UnknownVm")<{ readonly vm: string }> {}

/** A migration, suspend or wake was refused or failed in the cloud. */
export class CloudActionError extends Data.TaggedError("CloudActionError")<{
  readonly action: "migrate" | "suspend" | "wake" | "inventory" | "history"
  readonly target: string
  readonly message: string
  readonly cause?: unknown
}> {}

export type CloudError = UnknownHost | UnknownVm | CloudActionError

/** One line for a person: what went wrong and where. */
export const describeError = (tagged: { readonly _tag: string }): string =>
  // One line: multi-line causes (a JSON parser's excerpt, a driver's message) are folded.
  describeErrorLines(tagged)
    .split(/\s*\n\s*/)
    .filter((part) => part !== "")
    .join("; ")

const describeErrorLines = (tagged: { readonly _tag: string }): string => {
  const error: Readonly<Record<string, unknown>> & { readonly _tag: string } = { ...tagged, _tag: tagged._tag }
  if (tagged instanceof Error && !("message" in error)) Object.assign(error, { message: tagged.message })
  switch (error._tag) {
    case "ConfigError":
      return `configuration: ${String(error.field)}: ${String(error.message)}${error.source ? ` (${String(error.source)})` : ""}`
    case "InputError": {
      const where = [error.file, error.line === undefined ? undefined : `line ${String(error.line)}`, error.field]
        .filter((part) => part !== undefined && part !== "")
        .join(", ")
      return `${where}: ${String(error.message)}`
    }
    case "UnknownHost":
      return `unknown host: ${String(error.host)}`
    case "UnknownVm":
      return `unknown VM: ${String(error.vm)}`
    case "ServeError": {
      // @effect/platform's listen failure: its own message is empty, the socket's error says why.
      const raw: unknown = (tagged as { readonly cause?: unknown }).cause
      const cause = raw instanceof Error ? raw : undefined
      const code = (cause as { code?: unknown } | undefined)?.code
      const hint =
        code === "EADDRINUSE"
          ? ": another process listens on that address (global_manager_host, global_manager_port)"
          : code === "EADDRNOTAVAIL"
            ? ": no interface of this machine has that address (global_manager_host)"
            : code === "EACCES"
              ? ": the port needs privileges (choose one above 1023)"
              : ""
      return `the HTTP server cannot start: ${cause?.message ?? String(raw)}${hint}`
    }
    case "CloudActionError":
      return `${String(error.action)} ${String(error.target)} failed: ${String(error.message)}`
    default:
      return typeof error.message === "string" ? `${error._tag}: ${error.message}` : error._tag
  }
}
