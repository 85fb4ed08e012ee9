/** Every problem found in a configuration, reported together. */
import { Data } from "effect"
import type { ConfigError } from "../../core/errors.js"

const line = (error: ConfigError) => `${error.field}: ${error.message}${error.source ? ` (${error.source})` : ""}`

/** The configuration cannot be used; `problems` lists each bad option with its source and why. */
export class InvalidConfig extends Data.TaggedError("InvalidConfig")<{
  readonly problems: ReadonlyArray<ConfigError>
}> {
  override get message(): string {
    const count = this.problems.length
    return `${count} configuration problem${count === 1 ? "" : "s"}:\n${this.problems.map((p) => `  ${line(p)}`).join("\n")}`
  }
}
