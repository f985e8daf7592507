// Dashboard logins (issue 17): whoever holds the API token asks for a one-time code, the browser
// trades the code for a session cookie, and the cookie then authorises API calls like the token.
// The token itself never sits in a URL or in page storage; a code that leaks (shell history, a
// screenshot of the URL) is worth nothing once used or a minute old. Everything is in memory:
// a restarted node forgets its sessions and the user runs `hive dashboard` again.
import { createHash, randomBytes } from 'node:crypto'

export const LOGIN_CODE_TTL_MS = 60_000
export const SESSION_TTL_MS = 12 * 3600_000
/** a bound on what a token holder (or a loop) can make the node keep */
const MAX_PENDING_CODES = 64
const MAX_SESSIONS = 64

export interface UiSessionsOptions {
  now?: () => number
  codeTtlMs?: number
  sessionTtlMs?: number
}

/** Secrets are kept hashed: a heap dump or a debug print shows no usable code or session id. */
const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex')
const secret = (): string => randomBytes(32).toString('base64url')

export class UiSessions {
  private readonly codes = new Map<string, number>()
  private readonly sessions = new Map<string, number>()
  private readonly now: () => number
  private readonly codeTtlMs: number
  readonly sessionTtlMs: number

  constructor(options: UiSessionsOptions = {}) {
    this.now = options.now ?? Date.now
    this.codeTtlMs = options.codeTtlMs ?? LOGIN_CODE_TTL_MS
    this.sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS
  }

  /** A fresh single-use login code and when it expires (unix ms). */
  issueCode(): { code: string; expiresAt: number } {
    this.prune()
    if (this.codes.size >= MAX_PENDING_CODES) this.dropOldest(this.codes)
    const code = secret()
    const expiresAt = this.now() + this.codeTtlMs
    this.codes.set(digest(code), expiresAt)
    return { code, expiresAt }
  }

  /**
   * Trades a code for a session id; undefined when the code is unknown, used or expired. The code
   * is deleted before anything else, so two racing exchanges cannot both win.
   */
  exchange(code: string): { sessionId: string; expiresAt: number } | undefined {
    const key = digest(code)
    const expiresAt = this.codes.get(key)
    this.codes.delete(key)
    if (expiresAt === undefined || expiresAt <= this.now()) return undefined
    this.prune()
    if (this.sessions.size >= MAX_SESSIONS) this.dropOldest(this.sessions)
    const sessionId = secret()
    const sessionExpiresAt = this.now() + this.sessionTtlMs
    this.sessions.set(digest(sessionId), sessionExpiresAt)
    return { sessionId, expiresAt: sessionExpiresAt }
  }

  valid(sessionId: string): boolean {
    const expiresAt = this.sessions.get(digest(sessionId))
    return expiresAt !== undefined && expiresAt > this.now()
  }

  end(sessionId: string): void {
    this.sessions.delete(digest(sessionId))
  }

  /** codes issued and not yet used or expired (tests: a GET must not have consumed or minted one) */
  get pendingCodes(): number {
    this.prune()
    return this.codes.size
  }

  private prune(): void {
    const now = this.now()
    for (const map of [this.codes, this.sessions]) for (const [k, at] of map) if (at <= now) map.delete(k)
  }

  /** Maps keep insertion order: the first key is the oldest. */
  private dropOldest(map: Map<string, number>): void {
    const first = map.keys().next()
    if (first.done !== true) map.delete(first.value)
  }
}
