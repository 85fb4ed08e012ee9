import { assert, describe, it } from "vitest"
import { computeEndpointOf } from "../../../src/adapters/nova/Keystone.js"
import { httpErrorOf, type JsonAnswer } from "../../../src/adapters/nova/OpenStackHttp.js"

const answer = (status: number, json: unknown): JsonAnswer => ({
  status,
  json,
  headers: {},
  request: { method: "POST", url: "http://127.0.0.1:8774/v2.1/servers/x/action" }
})

describe("Nova and Keystone error bodies", () => {
  it("reads Nova's own error shape with its kind", () => {
    const error = httpErrorOf(
      answer(400, { badRequest: { code: 400, message: "Compute host compute9 could not be found." } })
    )
    assert.strictEqual(error.status, 400)
    assert.strictEqual(error.kind, "badRequest")
    assert.strictEqual(error.message, "Compute host compute9 could not be found.")
    assert.strictEqual(error.request.url, "http://127.0.0.1:8774/v2.1/servers/x/action")
  })

  it("reads the auth middleware's and Keystone's shape", () => {
    const error = httpErrorOf(
      answer(401, { error: { code: 401, title: "Unauthorized", message: "requires authentication" } })
    )
    assert.strictEqual(error.kind, undefined)
    assert.strictEqual(error.message, "requires authentication")
  })

  it("keeps a short text of a non-JSON error page", () => {
    const error = httpErrorOf(answer(502, "<html>\n  <body>Bad   Gateway</body>\n</html>"))
    assert.strictEqual(error.message, "HTTP 502: <html> <body>Bad Gateway</body> </html>")
    assert.strictEqual(httpErrorOf(answer(503, undefined)).message, "HTTP 503")
  })
})

describe("the compute endpoint of a catalog", () => {
  const catalog = [
    { type: "identity", endpoints: [{ interface: "public", url: "http://k:5000/v3", region_id: "RegionOne" }] },
    {
      type: "compute",
      endpoints: [
        { interface: "public", url: "http://nova-one:8774/v2.1/", region_id: "RegionOne" },
        { interface: "internal", url: "http://nova-int:8774/v2.1", region_id: "RegionOne" },
        { interface: "public", url: "http://nova-two:8774/v2.1", region_id: "RegionTwo" }
      ]
    }
  ]

  it("picks by interface and region and drops the trailing slash", () => {
    assert.strictEqual(computeEndpointOf(catalog, "public", undefined), "http://nova-one:8774/v2.1")
    assert.strictEqual(computeEndpointOf(catalog, "internal", undefined), "http://nova-int:8774/v2.1")
    assert.strictEqual(computeEndpointOf(catalog, "public", "RegionTwo"), "http://nova-two:8774/v2.1")
  })

  it("says what is missing", () => {
    assert.deepStrictEqual(computeEndpointOf(catalog, "admin", undefined), {
      missing: "the catalog has no compute endpoint with interface admin"
    })
    assert.deepStrictEqual(computeEndpointOf(catalog, "public", "RegionNine"), {
      missing: "the catalog has no compute endpoint with interface public in region RegionNine"
    })
    assert.deepStrictEqual(computeEndpointOf(undefined, "public", undefined), { missing: "the token has no catalog" })
  })
})
