/**
 * Logins of the dashboard: the operator types the dashboard token once; the browser then holds
 * only a random session id in an HttpOnly, SameSite=Strict cookie. Neither the token nor the
 * signing secret ever reaches the page.
 */
import { randomBytes } from "node:crypto"
import { constantTimeEqual } from "./RequestSigning.js"

export const sessionCookie = "neat_dashboard"

/** Seconds a login lasts. */
export const sessionLifetimeSec = 12 * 3600

export class DashboardSessions {
  private readonly sessions = new Map<string, number>()

  constructor(private readonly token: string) {}

  /** A new session id when `candidate` is the token, else undefined. */
  login(candidate: string, nowMs: number): string | undefined {
    if (!constantTimeEqual(candidate, this.token)) return undefined
    this.prune(nowMs)
    const id = randomBytes(32).toString("hex")
    this.sessions.set(id, nowMs + sessionLifetimeSec * 1000)
    return id
  }

  /** True when `id` is a live session. */
  valid(id: string | undefined, nowMs: number): boolean {
    if (id === undefined) return false
    const expires = this.sessions.get(id)
    return expires !== undefined && expires > nowMs
  }

  logout(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id)
  }

  private prune(nowMs: number): void {
    for (const [id, expires] of this.sessions) if (expires <= nowMs) this.sessions.delete(id)
  }
}
