/** Signed calls to a running global manager's `/v1` API, with the answer decoded by the API's own schemas. */
import { Schema } from "effect"
import { signedHeaders } from "../../src/server/http/RequestSigning.js"
import { type RunningGlobalManager, testSecret } from "./globalManager.js"

export interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers: Headers
}

/** Sends a signed request (with the tests' secret); the body is the parsed JSON (undefined when empty). */
export const call = async (
  gm: Pick<RunningGlobalManager, "url">,
  method: string,
  path: string,
  payload?: unknown
): Promise<Answer> => {
  const body = payload === undefined ? "" : JSON.stringify(payload)
  const headers = signedHeaders(testSecret, method, path, body, Date.now() / 1000)
  const response = await fetch(`${gm.url}${path}`, {
    method,
    headers: { ...headers, ...(body === "" ? {} : { "content-type": "application/json" }) },
    ...(body === "" ? {} : { body })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers }
}

/** The answer's body decoded with `schema` (throws, failing the test, when it does not match). */
export const decode = <A, I>(schema: Schema.Schema<A, I>, answer: Answer): A =>
  Schema.decodeUnknownSync(schema)(answer.body)

/** The message of an error answer. */
export const messageOf = (answer: Answer): string =>
  Schema.decodeUnknownSync(Schema.Struct({ message: Schema.String }))(answer.body).message
