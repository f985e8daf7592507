// Live job output (issue 17): the stderr of a running job travels to its requester inside the
// provider's heartbeats (docs/job-logs.md). Pure bookkeeping for both ends: the provider's
// outbox (what is still to be sent, bounded, oldest dropped) and the requester's tail (what it
// keeps, bounded, oldest dropped, with a marker where bytes went missing). Positions are byte
// offsets in the job's whole stderr stream, so a chunk sent twice (lost reply) is taken once
// and a gap (bytes the provider dropped) is visible.

/** Most log bytes one heartbeat carries. */
export const LOG_CHUNK_MAX_BYTES = 8 * 1024
/** Log bytes a provider holds for one award before the oldest are dropped. */
export const LOG_OUTBOX_BYTES = 16 * 1024
/** Log bytes a requester keeps per job and provider before the oldest are dropped. */
export const LOG_KEPT_BYTES = 64 * 1024
/** A provider sends log-bearing heartbeats at most this often (≤ 4 chunks per second). */
export const LOG_MIN_INTERVAL_MS = 250
/**
 * A requester takes at most this many chunks per job and provider in any second (twice the
 * honest rate, for jitter and the final flush); more are ignored and counted.
 */
export const LOG_MAX_CHUNKS_PER_SECOND = 8

/**
 * The progress convention: a stderr line `progress: <fraction>` (0..1, e.g. `progress: 0.42`)
 * or `progress: <n>%`. The newest such line in `text` wins; undefined when there is none.
 */
export function parseProgress(text: string): number | undefined {
  let found: number | undefined
  for (const m of text.matchAll(/^progress:[ \t]*([0-9]+(?:\.[0-9]+)?)(%?)[ \t]*\r?$/gm)) {
    const n = Number(m[1]) / (m[2] === '%' ? 100 : 1)
    if (Number.isFinite(n) && n >= 0 && n <= 1) found = n
  }
  return found
}

/** The provider's unsent log of one award. */
export class LogOutbox {
  /** stream offset of the first pending byte */
  private start = 0
  private pending = new Uint8Array(0)
  private readonly cap: number

  constructor(cap = LOG_OUTBOX_BYTES) {
    this.cap = cap
  }

  get size(): number {
    return this.pending.length
  }

  /** stream offset just past everything pushed so far */
  get end(): number {
    return this.start + this.pending.length
  }

  /** Appends new stderr bytes (after `skipped` bytes the executor already dropped); keeps the newest `cap`. */
  push(data: Uint8Array, skipped = 0): void {
    if (skipped > 0) {
      // a gap: what is pending cannot be joined to what follows it, and it is older: dropped too
      this.start = this.end + skipped
      this.pending = new Uint8Array(0)
    }
    if (data.length === 0) return
    const all = new Uint8Array(this.pending.length + data.length)
    all.set(this.pending)
    all.set(data, this.pending.length)
    const drop = Math.max(0, all.length - this.cap)
    this.pending = drop > 0 ? all.slice(drop) : all
    this.start += drop
  }

  /** The next chunk to send (at most `max` bytes), without removing it: ack() does once it arrived. */
  peek(max = LOG_CHUNK_MAX_BYTES): { offset: number; data: Uint8Array } | undefined {
    if (this.pending.length === 0) return undefined
    return { offset: this.start, data: this.pending.slice(0, max) }
  }

  /** Everything before stream offset `upTo` arrived. */
  ack(upTo: number): void {
    if (upTo <= this.start) return
    const n = Math.min(upTo - this.start, this.pending.length)
    this.pending = this.pending.slice(n)
    this.start += n
  }
}

export interface LogAppend {
  /** text newly added to the log (a "… N bytes dropped" marker first when there was a gap) */
  text: string
  /** the newest progress line in what was added, if any */
  progress?: number
}

/** What a requester keeps of one provider's log for one job. */
export class LogTail {
  /** stream offset just past the last byte taken */
  private next = 0
  private text = ''
  /** bytes of the stream never seen here (gaps) plus text dropped to keep within the cap */
  dropped = 0
  /** total stream bytes taken */
  received = 0
  progress: number | undefined
  private readonly cap: number
  private readonly decoder = new TextDecoder('utf-8', { fatal: false })

  constructor(cap = LOG_KEPT_BYTES) {
    this.cap = cap
  }

  /** Takes a chunk at stream offset `offset`; returns what was new (undefined: nothing). */
  add(offset: number, data: Uint8Array): LogAppend | undefined {
    const end = offset + data.length
    if (end <= this.next) return undefined // seen already
    let added = ''
    if (offset > this.next) {
      const gap = offset - this.next
      added += this.decoder.decode() // a split character before the gap is lost with it
      added += `… ${gap} bytes dropped\n`
      this.dropped += gap
      this.next = offset
    }
    const fresh = data.subarray(this.next - offset)
    added += this.decoder.decode(fresh, { stream: true })
    this.received += fresh.length
    this.next = end
    this.text += added
    if (this.text.length > this.cap) {
      const cut = this.text.length - this.cap
      this.dropped += cut
      this.text = this.text.slice(cut)
    }
    const progress = parseProgress(added)
    if (progress !== undefined) this.progress = progress
    return { text: added, ...(progress !== undefined ? { progress } : {}) }
  }

  get content(): string {
    return this.text
  }
}

/** Counts chunks per sliding second; false when one more would be over `perSecond`. */
export class ChunkRate {
  private readonly times: number[] = []
  private readonly perSecond: number

  constructor(perSecond = LOG_MAX_CHUNKS_PER_SECOND) {
    this.perSecond = perSecond
  }

  allow(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0] >= 1_000) this.times.shift()
    if (this.times.length >= this.perSecond) return false
    this.times.push(now)
    return true
  }
}
