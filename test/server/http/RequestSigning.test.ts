import { describe, expect, it } from "vitest"
import {
  constantTimeEqual,
  NonceCache,
  sha1Hex,
  signedHeaders,
  verifySignedRequest
} from "../../../src/server/http/RequestSigning.js"

const secret = "shared-secret"
const request = (headers: Record<string, string>, body = "{}") => ({ method: "POST", path: "/v1/x", body, headers })

describe("request signing", () => {
  it("hashes credentials as Neat does", () => {
    expect(sha1Hex("admin")).toBe("d033e22ae348aeb5660fc2140aec35850c4da997")
  })

  it("compares in constant time and tells different lengths apart", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true)
    expect(constantTimeEqual("abc", "abd")).toBe(false)
    expect(constantTimeEqual("abc", "abcd")).toBe(false)
  })

  it("accepts a fresh signed request once, then refuses its replay", () => {
    const nonces = new NonceCache()
    const headers = signedHeaders(secret, "POST", "/v1/x", "{}", 1000)
    expect(verifySignedRequest(request(headers), secret, 1001, 5, nonces)).toBeUndefined()
    expect(verifySignedRequest(request(headers), secret, 1002, 5, nonces)?.status).toBe(403)
  })

  it("refuses a changed body, path or method, a stale or future timestamp, and missing headers", () => {
    const nonces = new NonceCache()
    const headers = signedHeaders(secret, "POST", "/v1/x", "{}", 1000)
    expect(verifySignedRequest(request(headers, "{ }"), secret, 1000, 5, nonces)?.status).toBe(403)
    expect(verifySignedRequest({ ...request(headers), path: "/v1/y" }, secret, 1000, 5, nonces)?.status).toBe(403)
    expect(verifySignedRequest({ ...request(headers), method: "PUT" }, secret, 1000, 5, nonces)?.status).toBe(403)
    expect(verifySignedRequest(request(headers), secret, 1006, 5, nonces)?.status).toBe(412)
    expect(verifySignedRequest(request(headers), secret, 994, 5, nonces)?.status).toBe(412)
    expect(verifySignedRequest(request({}), secret, 1000, 5, nonces)?.status).toBe(401)
    expect(verifySignedRequest(request(headers), "other", 1000, 5, nonces)?.status).toBe(403)
  })

  it("forgets nonces once they leave the window", () => {
    const nonces = new NonceCache()
    for (let i = 0; i < 100; i++) nonces.remember(`nonce-${i}-0123456789`, 1000, 1005)
    expect(nonces.size).toBe(100)
    nonces.remember("later-nonce-0123456789", 1010, 1015)
    expect(nonces.size).toBe(1)
  })
})
