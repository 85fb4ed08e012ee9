/** The command line itself is wrong (unknown flag or command, an old flag that cannot be rewritten): exit status 2. */
import { Data } from "effect"

export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}
