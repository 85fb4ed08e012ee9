/** Algorithms' JSON parameters as the daemon commands take them (`--*-parameters`, neat.conf). */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"

/** Parses an algorithm's JSON parameters, naming the option when they are not JSON. */
export const parseParams = (field: string, text: string): Either.Either<unknown, ConfigError> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (error) {
    return Either.left(
      new ConfigError({ field, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` })
    )
  }
}
