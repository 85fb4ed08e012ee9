/**
 * Tests that need a server read its address from an environment variable. Locally they skip with a
 * clear message when it is unset; under CI (CI set) a missing variable is a failure.
 */
export interface ServerRequirement {
  /** The variable's value, or undefined when the tests must skip. */
  readonly value: string | undefined
  /** Why the tests skip, or undefined when they run. */
  readonly skipReason: string | undefined
}

export const requireServerEnv = (variable: string, what: string): ServerRequirement => {
  const value = process.env[variable]
  if (value !== undefined && value !== "") return { value, skipReason: undefined }
  const message = `${variable} is not set: ${what} tests need it (.ci/run starts the server and sets it)`
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") throw new Error(message)
  return { value: undefined, skipReason: message }
}
