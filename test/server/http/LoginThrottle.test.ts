import { describe, expect, it } from "vitest"
import { LoginThrottle } from "../../../src/server/http/LoginThrottle.js"

describe("LoginThrottle", () => {
  it("lets a client fail five times a minute, then makes it wait until its oldest failure is a minute old", () => {
    const throttle = new LoginThrottle(5, 60_000)
    for (let t = 0; t < 5; t++) {
      expect(throttle.waitMs("a", t * 1000)).toBe(0)
      throttle.failed("a", t * 1000)
    }
    expect(throttle.waitMs("a", 5000)).toBe(55_000)
    expect(throttle.waitMs("b", 5000)).toBe(0)
    expect(throttle.waitMs("a", 60_000)).toBe(0)
    throttle.failed("a", 60_000)
    expect(throttle.waitMs("a", 60_000)).toBe(1000)
  })

  it("forgets a client's failures when it logs in", () => {
    const throttle = new LoginThrottle(2, 60_000)
    throttle.failed("a", 0)
    throttle.succeeded("a")
    throttle.failed("a", 1)
    expect(throttle.waitMs("a", 2)).toBe(0)
  })

  it("keeps at most maxClients records", () => {
    const throttle = new LoginThrottle(5, 60_000, 100)
    for (let i = 0; i < 1000; i++) throttle.failed(`client-${i}`, i)
    expect(throttle.clients).toBeLessThanOrEqual(100)
  })
})
