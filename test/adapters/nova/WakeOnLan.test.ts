import { Effect, Either } from "effect"
import { afterEach, assert, beforeEach, describe, it } from "vitest"
import { magicPacket, makeWakeOnLan, normaliseMac } from "../../../src/adapters/nova/WakeOnLan.js"
import { expectedMagicPacket, listenForWol, type WolListener } from "../../support/wolListener.js"

describe("WakeOnLan", () => {
  let listener: WolListener
  beforeEach(async () => {
    listener = await listenForWol()
  })
  afterEach(async () => {
    await listener.close()
  })

  it("sends the magic packet to the configured loopback port, byte for byte", async () => {
    const wol = makeWakeOnLan({ address: "127.0.0.1", port: listener.port, sendTimeoutSec: 2 })
    await Effect.runPromise(wol.send("52:54:00:AB:cd:0f"))
    await listener.waitFor(1, 2000)
    const packet = listener.packets[0]
    assert.isDefined(packet)
    assert.strictEqual(packet?.fromAddress, "127.0.0.1")
    assert.strictEqual(packet?.bytes.length, 102)
    assert.isTrue(packet?.bytes.equals(expectedMagicPacket("52:54:00:ab:cd:0f")))
  })

  it("accepts dashes and bare hex and sends the same bytes", async () => {
    const wol = makeWakeOnLan({ address: "127.0.0.1", port: listener.port, sendTimeoutSec: 2 })
    await Effect.runPromise(Effect.all([wol.send("52-54-00-ab-cd-0f"), wol.send("525400abcd0f")]))
    await listener.waitFor(2, 2000)
    for (const packet of listener.packets) assert.isTrue(packet.bytes.equals(expectedMagicPacket("52:54:00:ab:cd:0f")))
  })

  it("refuses a malformed MAC without sending anything", async () => {
    const wol = makeWakeOnLan({ address: "127.0.0.1", port: listener.port, sendTimeoutSec: 2 })
    const result = await Effect.runPromise(Effect.either(wol.send("52:54:00:ab:cd")))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "WakeOnLanError")
      assert.match(result.left.message, /not a MAC address/)
      assert.strictEqual(result.left.target, `127.0.0.1:${listener.port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.strictEqual(listener.packets.length, 0)
  })

  it("builds the packet as six 0xff bytes and sixteen copies of the MAC", () => {
    assert.isTrue(magicPacket("01:02:03:04:05:06").equals(expectedMagicPacket("01:02:03:04:05:06")))
    assert.strictEqual(normaliseMac("AA-BB-CC-DD-EE-FF"), "aa:bb:cc:dd:ee:ff")
    assert.isUndefined(normaliseMac("aa:bb:cc:dd:ee:fg"))
    assert.isUndefined(normaliseMac("aa:bb-cc:dd:ee:ff"))
  })
})
