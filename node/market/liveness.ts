// Which awarded providers are still alive, on the requester's side (docs/reaward.md). A provider
// working on an accepted award sends a heartbeat every `heartbeatIntervalMs`; it is taken for
// dead when it has been silent for `silenceMs`, or when its connection dropped and did not come
// back (nor a heartbeat) within `reconnectGraceMs`. A SIGKILLed provider's kernel closes its
// sockets at once, so the second rule finds it in about the grace period; the first covers a
// host that vanished without closing anything (power loss, a partition).
//
// One sweep timer for all watched awards (not one per award): it runs only while something is
// watched, and its period bounds how late a verdict can be.

export interface LivenessPolicy {
  /** how often a provider sends a heartbeat while it works on an award (default 1 s) */
  heartbeatIntervalMs: number
  /** silence after which a provider is taken for dead (default 4 s: three missed heartbeats and some) */
  silenceMs: number
  /** how long a lost connection has to come back before the provider is taken for dead (default 2 s) */
  reconnectGraceMs: number
  /** how often the watched awards are looked at (default 250 ms) */
  sweepMs: number
  /**
   * the most a provider's silence limit grows to (default 16 s): a provider whose heartbeats have
   * come with gaps of g ms (a starved host, a loaded machine) is allowed max(silenceMs, 2g) of
   * silence, up to this bound, so that jitter is not taken for death (0: the limit stays silenceMs)
   */
  maxSilenceMs: number
  /**
   * provider, escrow: before it commits a result on chain (after which its requester cannot
   * cancel the escrow), how long it tries to hear from the requester that the award still stands
   * (default 30 s: past the requester's longest silence limit plus a cancel being mined). A
   * requester that revoked the award answers AWARD_REVOKED and nothing is committed, so a
   * provider cut off mid-run is not paid beside its replacement; one unreachable for this long is
   * taken for gone, and the result is committed so that the provider can claim it.
   */
  commitContactMs: number
}

export const DEFAULT_LIVENESS: LivenessPolicy = {
  heartbeatIntervalMs: 1_000,
  silenceMs: 4_000,
  reconnectGraceMs: 2_000,
  sweepMs: 250,
  maxSilenceMs: 16_000,
  commitContactMs: 30_000,
}

export type DeathReason = 'HEARTBEAT_SILENT' | 'CONNECTION_LOST'

export interface DeathVerdict {
  jobId: string
  provider: string
  reason: DeathReason
  /** since the last sign of life (the acceptance or the last heartbeat) */
  silentForMs: number
  /** when the connection dropped, for CONNECTION_LOST */
  lostAt?: number
  /** heartbeats taken for the award since its acceptance */
  heartbeats: number
  /** the stage the last of them named (undefined: none came) */
  lastStage?: string
}

interface Watched {
  jobId: string
  provider: string
  lastSeen: number
  lostAt?: number
  /** the longest gap between two signs of life seen so far */
  maxGapMs: number
  heartbeats: number
  lastStage?: string
}

export interface LivenessMonitorInit {
  policy?: Partial<LivenessPolicy>
  now: () => number
  /** whether we hold an open connection to `provider` right now */
  isConnected: (provider: string) => boolean
  onDead: (verdict: DeathVerdict) => void
}

export class LivenessMonitor {
  readonly policy: LivenessPolicy
  private readonly init: LivenessMonitorInit
  private readonly watched = new Map<string, Watched>()
  private sweeper?: ReturnType<typeof setInterval>
  /** when the last sweep ran (undefined: no sweep yet since watching began) */
  private lastSweep?: number

  constructor(init: LivenessMonitorInit) {
    this.init = init
    this.policy = { ...DEFAULT_LIVENESS, ...init.policy }
  }

  /** starts watching an award its provider just accepted (the acceptance counts as a sign of life) */
  watch(jobId: string, provider: string): void {
    this.watched.set(key(jobId, provider), { jobId, provider, lastSeen: this.init.now(), maxGapMs: 0, heartbeats: 0 })
    this.sweeper ??= setInterval(() => {
      this.sweep()
    }, this.policy.sweepMs)
    this.sweeper.unref?.()
  }

  /**
   * A valid heartbeat: the provider was alive when it sent it. It does not end a lost
   * connection's grace period by itself: a heartbeat read before a SIGKILL closed the socket may
   * be handled after the disconnect, and clearing the loss then left only the silence limit (up to
   * 16 s) to find the provider dead. The sweep ends the grace when a connection is back.
   */
  beat(jobId: string, provider: string, stage?: string): boolean {
    const w = this.watched.get(key(jobId, provider))
    if (w === undefined) return false
    const now = this.init.now()
    w.heartbeats++
    if (stage !== undefined) w.lastStage = stage
    w.maxGapMs = Math.max(w.maxGapMs, now - w.lastSeen)
    w.lastSeen = now
    return true
  }

  /** the award no longer needs a live provider (a result came, the job ended, it was revoked) */
  unwatch(jobId: string, provider?: string): void {
    if (provider !== undefined) this.watched.delete(key(jobId, provider))
    else for (const [k, w] of this.watched) if (w.jobId === jobId) this.watched.delete(k)
    this.idle()
  }

  /** every connection to `provider` closed: its grace period starts */
  disconnected(provider: string): void {
    const now = this.init.now()
    for (const w of this.watched.values()) if (w.provider === provider) w.lostAt ??= now
  }

  get size(): number {
    return this.watched.size
  }

  stop(): void {
    this.watched.clear()
    this.idle()
  }

  /** the verdicts due now; each dead award is reported once and no longer watched */
  sweep(): DeathVerdict[] {
    const now = this.init.now()
    const dead: DeathVerdict[] = []
    // our own event loop was stalled (a sweep came late): heartbeats may sit unread in our
    // sockets, so the stall is not held against the providers
    const stalled = this.lastSweep === undefined ? 0 : now - this.lastSweep - 2 * this.policy.sweepMs
    this.lastSweep = now
    for (const [k, w] of this.watched) {
      if (stalled > 0) {
        w.lastSeen = Math.min(now, w.lastSeen + stalled)
        if (w.lostAt !== undefined) w.lostAt = Math.min(now, w.lostAt + stalled)
      }
      const silentForMs = now - w.lastSeen
      const connected = this.init.isConnected(w.provider)
      // no connection and no disconnect seen: the award was accepted (watched) after the
      // connection dropped, or a disconnect event came before the watch. Its grace starts now.
      if (w.lostAt === undefined && !connected) w.lostAt = now
      if (w.lostAt !== undefined && connected && w.lastSeen >= w.lostAt) w.lostAt = undefined
      let reason: DeathReason | undefined
      if (w.lostAt !== undefined && now - w.lostAt >= this.policy.reconnectGraceMs && !connected) {
        reason = 'CONNECTION_LOST'
      } else if (silentForMs >= this.silenceLimit(w)) {
        reason = 'HEARTBEAT_SILENT'
      }
      if (reason === undefined) continue
      this.watched.delete(k)
      dead.push({
        jobId: w.jobId,
        provider: w.provider,
        reason,
        silentForMs,
        ...(w.lostAt !== undefined ? { lostAt: w.lostAt } : {}),
        heartbeats: w.heartbeats,
        ...(w.lastStage !== undefined ? { lastStage: w.lastStage } : {}),
      })
    }
    this.idle()
    for (const d of dead) this.init.onDead(d)
    return dead
  }

  /** silenceMs, stretched to twice the provider's own worst heartbeat gap (bounded by maxSilenceMs) */
  silenceLimit(w: { maxGapMs: number }): number {
    const { silenceMs, maxSilenceMs } = this.policy
    return Math.max(silenceMs, Math.min(maxSilenceMs, 2 * w.maxGapMs))
  }

  private idle(): void {
    if (this.watched.size > 0 || this.sweeper === undefined) return
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.lastSweep = undefined
  }
}

function key(jobId: string, provider: string): string {
  return `${jobId}/${provider}`
}
