/**
 * Errors of the OpenStack adapter. Every failure of a call to Keystone or Nova carries the request
 * that caused it (method and URL, never the token or password) so an operator can replay it.
 */
import { Data } from "effect"

/** The HTTP request behind a failure: method and URL (no credentials). */
export interface RequestDescription {
  readonly method: string
  readonly url: string
}

export const describeRequest = (request: RequestDescription): string => `${request.method} ${request.url}`

/** Keystone refused the credentials (401) or could not issue a project-scoped token. */
export class KeystoneAuthError extends Data.TaggedError("KeystoneAuthError")<{
  readonly request: RequestDescription
  readonly status?: number | undefined
  readonly message: string
}> {}

/** Keystone or Nova answered with an error status (4xx, 5xx). */
export class OpenStackHttpError extends Data.TaggedError("OpenStackHttpError")<{
  readonly request: RequestDescription
  readonly status: number
  /** Nova's error kind when it sent one: "badRequest", "itemNotFound", "conflictingRequest", ... */
  readonly kind?: string | undefined
  readonly message: string
}> {}

/** No usable answer: connection refused or reset, or no answer within the timeout. */
export class OpenStackTransportError extends Data.TaggedError("OpenStackTransportError")<{
  readonly request: RequestDescription
  readonly reason: "timeout" | "connection"
  readonly message: string
}> {}

/** An answer arrived but its body is not what the API documents. */
export class OpenStackDecodeError extends Data.TaggedError("OpenStackDecodeError")<{
  readonly request: RequestDescription
  readonly message: string
}> {}

/** Any failure of one OpenStack API call. */
export type OpenStackError = KeystoneAuthError | OpenStackHttpError | OpenStackTransportError | OpenStackDecodeError

/** True for failures that may pass if the same request is sent again later. */
export const isTransient = (error: OpenStackError): boolean =>
  error._tag === "OpenStackTransportError" ||
  (error._tag === "OpenStackHttpError" && (error.status >= 500 || error.status === 429))

/** One line for logs and CLI output. */
export const describeOpenStackError = (error: OpenStackError): string => {
  const where = describeRequest(error.request)
  switch (error._tag) {
    case "KeystoneAuthError":
      return `Keystone authentication failed${error.status === undefined ? "" : ` (${error.status})`}: ${error.message} [${where}]`
    case "OpenStackHttpError":
      return `${error.status}${error.kind ? ` ${error.kind}` : ""}: ${error.message} [${where}]`
    case "OpenStackTransportError":
      return `${error.reason === "timeout" ? "no answer in time" : "connection failed"}: ${error.message} [${where}]`
    case "OpenStackDecodeError":
      return `malformed answer: ${error.message} [${where}]`
  }
}
