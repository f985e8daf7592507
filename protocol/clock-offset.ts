// Network-adjusted time (issue 16, scenario 8): how far this node's clock is from its peers'.
// The market's signed times (a job's creation and bid window, awards, heartbeats, deadlines) are
// compared across machines with a 5 s allowance (market/bounds.ts DEFAULT_CLOCK_SKEW_MS); a node
// whose clock is minutes off would see every job expired or from the future. Each node therefore
// asks its peers for their time (node/p2p/clock-sync.ts) and runs on its own clock plus the median
// offset — the node itself counting as one sample at 0, so that one wrong peer among right ones
// moves nothing, and a wrong node among right peers is pulled to them. Small offsets are left
// alone (jitter), and the adjustment is capped: a node further off is told to fix its clock,
// and a crowd of lying peers can move a node at most by the cap. Pure: no I/O, no clock.

export const CLOCK_SYNC = {
  /** peers that must have answered before the node adjusts at all (two, with itself: three votes) */
  minPeers: 2,
  /** a median offset smaller than this is jitter and network delay, not a wrong clock */
  deadbandMs: 1_000,
  /** the most the node moves its own clock: the documented allowance for a wrong system clock */
  maxAdjustMs: 3 * 60_000,
  /**
   * a sample whose round trip took longer than this is too imprecise to count: an estimate is off
   * by at most half the round trip, so below the dead band nodes on one clock never adjust
   */
  maxRttMs: 1_000,
} as const

export interface OffsetSample {
  /** the peer's clock minus ours at the moment it answered (estimated at the round trip's midpoint) */
  offsetMs: number
  rttMs: number
}

/** One exchange: we asked at `sentAt`, the peer said `peerTime`, the answer came at `receivedAt` (our clock). */
export function offsetSample(sentAt: number, peerTime: number, receivedAt: number): OffsetSample {
  const rttMs = Math.max(0, receivedAt - sentAt)
  return { offsetMs: peerTime - (sentAt + rttMs / 2), rttMs }
}

export interface NetworkOffset {
  /** what the node adds to its own clock */
  offsetMs: number
  /** the median of the samples, this node's 0 among them (before the dead band and the cap) */
  medianMs: number
  /** peers whose sample counted */
  peers: number
  /** the median was beyond the cap: the node's clock is further off than it may correct */
  capped: boolean
}

/**
 * The adjustment for a node whose peers' clocks are `offsets` away from its own (one sample per
 * peer). With an even number of votes the middle value nearer to 0 is taken: ties do not move
 * the clock.
 */
export function networkOffset(offsets: readonly number[], limits: Partial<typeof CLOCK_SYNC> = {}): NetworkOffset {
  const { minPeers, deadbandMs, maxAdjustMs } = { ...CLOCK_SYNC, ...limits }
  const finite = offsets.filter((o) => Number.isFinite(o))
  if (finite.length < minPeers) return { offsetMs: 0, medianMs: 0, peers: finite.length, capped: false }
  const votes = [0, ...finite].sort((a, b) => a - b)
  const mid = votes.length >> 1
  const medianMs =
    votes.length % 2 === 1
      ? votes[mid]!
      : Math.abs(votes[mid - 1]!) <= Math.abs(votes[mid]!)
        ? votes[mid - 1]!
        : votes[mid]!
  const capped = Math.abs(medianMs) > maxAdjustMs
  const offsetMs = Math.abs(medianMs) < deadbandMs ? 0 : Math.sign(medianMs) * Math.min(Math.abs(medianMs), maxAdjustMs)
  return { offsetMs: Math.round(offsetMs), medianMs, peers: finite.length, capped }
}

/** The wire form of a time answer: milliseconds since the epoch, 8 bytes big-endian. */
export function encodeTime(ms: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(ms))))
  return out
}

export function decodeTime(bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new RangeError(`a time answer is 8 bytes, not ${bytes.length}`)
  const ms = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0)
  if (ms > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('a time answer beyond any plausible date')
  return Number(ms)
}
