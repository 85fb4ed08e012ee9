/**
 * OpenSSH known_hosts files: which host key a server must present. Supports plain and hashed
 * (`|1|salt|hash`) host names, `[host]:port` entries, `*`/`?` patterns, negation, and the
 * `@revoked` marker; `@cert-authority` lines are ignored (no certificates here).
 */
import { createHmac } from "node:crypto"

export interface KnownHostKey {
  /** Key type, e.g. "ssh-ed25519". */
  readonly type: string
  /** The public key blob (what the server sends during key exchange). */
  readonly key: Buffer
  readonly revoked: boolean
  /** 1-based line in the file, for messages. */
  readonly line: number
}

/** The name an entry must match: "host" on port 22, "[host]:port" otherwise. */
export const knownHostsName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`)

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i"
  )

const matchesHashed = (entry: string, name: string): boolean => {
  const [, magic, salt, hash] = entry.split("|")
  if (magic !== "1" || salt === undefined || hash === undefined) return false
  const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64")
  return digest === hash
}

const matchesPatterns = (patterns: string, name: string): boolean => {
  if (patterns.startsWith("|")) return matchesHashed(patterns, name)
  let matched = false
  for (const raw of patterns.split(",")) {
    const negated = raw.startsWith("!")
    const pattern = negated ? raw.slice(1) : raw
    if (globToRegExp(pattern).test(name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

/** The keys `text` (a known_hosts file) lists for `host` on `port`. */
export const knownKeysFor = (text: string, host: string, port: number): ReadonlyArray<KnownHostKey> => {
  const name = knownHostsName(host, port)
  const keys: Array<KnownHostKey> = []
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim()
    if (line === "" || line.startsWith("#")) return
    const fields = line.split(/\s+/)
    let revoked = false
    if (fields[0]?.startsWith("@")) {
      const marker = fields.shift()
      if (marker === "@cert-authority") return
      revoked = marker === "@revoked"
    }
    const [patterns, type, blob] = fields
    if (patterns === undefined || type === undefined || blob === undefined) return
    if (!matchesPatterns(patterns, name)) return
    keys.push({ type, key: Buffer.from(blob, "base64"), revoked, line: index + 1 })
  })
  return keys
}

/** Whether a presented key is accepted, and if not why. */
export type HostKeyVerdict =
  | { readonly _tag: "Trusted" }
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Changed"; readonly lines: ReadonlyArray<number> }
  | { readonly _tag: "Revoked"; readonly line: number }

export const verifyHostKey = (known: ReadonlyArray<KnownHostKey>, presented: Buffer): HostKeyVerdict => {
  const revoked = known.find((entry) => entry.revoked && entry.key.equals(presented))
  if (revoked !== undefined) return { _tag: "Revoked", line: revoked.line }
  const trusted = known.filter((entry) => !entry.revoked)
  if (trusted.some((entry) => entry.key.equals(presented))) return { _tag: "Trusted" }
  if (trusted.length === 0) return { _tag: "Unknown" }
  return { _tag: "Changed", lines: trusted.map((entry) => entry.line) }
}
