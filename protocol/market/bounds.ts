// Every size and range a market message must respect, in one place so that validators,
// message builders, services and tests agree. Sizes are bytes of the encoded frame (for signed
// messages: the whole SignedEnvelope), checked before anything is decoded.

/** inputs of at most this many bytes in all ride inline with the award (issue 14: ≤ 4 exchanges) */
export const MAX_INLINE_BLOB_BYTES = 64 * 1024

export const MAX_MESSAGE_BYTES = {
  jobRequest: 32 * 1024,
  bid: 1024,
  award: 1024,
  /** an award with its job's small inputs inline (/hive/award/2.0.0), and a voucher (pay-on-award, ≤ 512) */
  awardWithData: 1024 + 64 * 1024 + 2048,
  /** with pay-on-award it carries the provider's signed voucher ack (≤ 1024) */
  acceptance: 2048,
  result: 2048,
  /** a result with its small output inline (/hive/result/2.0.0) */
  resultWithData: 2048 + 64 * 1024 + 1024,
  clearing: 4096,
  heartbeat: 512,
  /** on /hive/heartbeat/1.1.0: with a live-log chunk of up to LOG_CHUNK_MAX_BYTES (protocol/market/job-log.ts) */
  heartbeatWithLog: 512 + 8 * 1024 + 32,
  revocation: 512,
  /** a BidReopen naming up to MAX_REOPEN_TRIED providers (~40 bytes each) */
  bidReopen: 2048,
  /** /hive/reopen: a BidReopen and the job's JobRequest */
  reopenPush: 2048 + 32 * 1024 + 64,
  /** a Reply may carry a signed Acceptance */
  reply: 3072,
  blobRequest: 256,
  blobResponse: 512,
  /** a BlobChunk frame: up to BLOB_CHUNK_MAX_DATA bytes of data plus its field header */
  blobChunk: 256 * 1024 + 16,
} as const

export type MessageKind = keyof typeof MAX_MESSAGE_BYTES

/** Largest data a single BlobChunk may carry; senders should use BLOB_CHUNK_DATA_BYTES. */
export const BLOB_CHUNK_MAX_DATA = 256 * 1024
export const BLOB_CHUNK_DATA_BYTES = 64 * 1024

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

export interface Range {
  min: number
  max: number
}

export const JOB_BOUNDS = {
  /** executor class: also a topic name segment, hence the narrow alphabet */
  executor: /^[a-z][a-z0-9-]{0,31}$/,
  /** must match the (protons.options).limit values in market.proto */
  maxInputs: 64,
  maxArgs: 64,
  maxAddrs: 16,
  maxWinners: 16,
  inputName: /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/,
  maxArgLength: 1024,
  maxArgsTotal: 8 * KiB,
  maxAddrLength: 256,
  /** module and each input */
  blobSize: { min: 1, max: 1 * GiB } satisfies Range,
  /** one wasm page up to wasm32's 4 GiB */
  memoryBytes: { min: 64 * KiB, max: 4 * GiB } satisfies Range,
  wallTimeMs: { min: 1, max: 24 * 60 * 60 * 1000 } satisfies Range,
  /**
   * stdout plus output files. A provider's worker holds all of it in memory until the job ends,
   * then the provider stores and serves it, so it is bounded well under the memory range;
   * providers also refuse jobs over their own cap (Executor.maxOutputBytes) and price it.
   */
  outputBytes: { min: 1, max: 256 * MiB } satisfies Range,
  minMemoryBytes: { min: 0, max: 1024 * GiB } satisfies Range,
  /** '' or a short lowercase tag, like the capability keys of the DHT */
  tag: /^([a-z0-9][a-z0-9_-]{0,31})?$/,
  redundancy: { min: 1, max: 9 } satisfies Range,
  bidWindowMs: { min: 1, max: 60_000 } satisfies Range,
  /** deadline - createdAt */
  lifetimeMs: { min: 1, max: 7 * 24 * 60 * 60 * 1000 } satisfies Range,
  nonceBytes: { min: 8, max: 32 } satisfies Range,
} as const

export const MESSAGE_BOUNDS = {
  /** an award or bid further in the future than this is nonsense, not a clock problem */
  maxValidityMs: 7 * 24 * 60 * 60 * 1000,
  maxReasonLength: 256,
  maxErrorLength: 256,
  maxCommitmentBytes: 256,
  /** secp256k1 (65) with room for other schemes */
  maxCommitmentSignatureBytes: 96,
  maxReplyCodeLength: 64,
  maxReplyMessageLength: 512,
  maxDurationMs: 7 * 24 * 60 * 60 * 1000,
  maxMeteredMs: 7 * 24 * 60 * 60 * 1000,
  maxCidBytes: 64,
} as const

/** Tolerated difference between peers' clocks, for "created in the future" and expiry checks. */
export const DEFAULT_CLOCK_SKEW_MS = 5_000

/** Clearing records older than this are not worth learning prices from. */
export const DEFAULT_CLEARING_MAX_AGE_MS = 60 * 60 * 1000

export const ETH_ADDRESS = /^0x[0-9a-fA-F]{40}$/
