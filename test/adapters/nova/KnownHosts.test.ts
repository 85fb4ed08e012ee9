import { createHmac } from "node:crypto"
import { assert, describe, it } from "vitest"
import { knownHostsName, knownKeysFor, verifyHostKey } from "../../../src/adapters/nova/KnownHosts.js"

const keyA = Buffer.from("key-a-blob")
const keyB = Buffer.from("key-b-blob")
const b64 = (key: Buffer) => key.toString("base64")

const hashed = (name: string, salt = Buffer.from("0123456789abcdefghij")) =>
  `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`

describe("known_hosts", () => {
  it("names non-standard ports in brackets", () => {
    assert.strictEqual(knownHostsName("compute1", 22), "compute1")
    assert.strictEqual(knownHostsName("127.0.0.1", 2222), "[127.0.0.1]:2222")
  })

  it("finds plain, listed, bracketed, hashed and wildcard entries", () => {
    const text = [
      "# comment",
      "",
      `compute1,compute1.example ssh-ed25519 ${b64(keyA)} root@compute1`,
      `[127.0.0.1]:2222 ssh-ed25519 ${b64(keyB)}`,
      `${hashed("compute2")} ssh-ed25519 ${b64(keyB)}`,
      `*.rack7 ssh-ed25519 ${b64(keyA)}`,
      `*.rack8,!bad.rack8 ssh-ed25519 ${b64(keyA)}`
    ].join("\n")
    assert.deepStrictEqual(
      knownKeysFor(text, "compute1", 22).map((k) => k.line),
      [3]
    )
    assert.strictEqual(knownKeysFor(text, "127.0.0.1", 2222)[0]?.key.equals(keyB), true)
    assert.strictEqual(knownKeysFor(text, "127.0.0.1", 22).length, 0, "port 22 does not match a [host]:2222 entry")
    assert.strictEqual(knownKeysFor(text, "compute2", 22)[0]?.line, 5)
    assert.strictEqual(knownKeysFor(text, "compute3", 22).length, 0)
    assert.strictEqual(knownKeysFor(text, "node1.rack7", 22)[0]?.line, 6)
    assert.strictEqual(knownKeysFor(text, "bad.rack8", 22).length, 0)
  })

  it("trusts the pinned key, refuses an unknown host, a changed key and a revoked key", () => {
    const text = `compute1 ssh-ed25519 ${b64(keyA)}\n@revoked compute9 ssh-ed25519 ${b64(keyB)}\n@cert-authority * ssh-ed25519 ${b64(keyB)}\n`
    assert.deepStrictEqual(verifyHostKey(knownKeysFor(text, "compute1", 22), keyA), { _tag: "Trusted" })
    assert.deepStrictEqual(verifyHostKey(knownKeysFor(text, "compute1", 22), keyB), { _tag: "Changed", lines: [1] })
    assert.deepStrictEqual(verifyHostKey(knownKeysFor(text, "compute5", 22), keyB), { _tag: "Unknown" })
    assert.deepStrictEqual(verifyHostKey(knownKeysFor(text, "compute9", 22), keyB), { _tag: "Revoked", line: 2 })
  })
})
