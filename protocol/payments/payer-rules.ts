// The requester's payment decisions, pure so that property tests can drive them through any
// sequence of jobs, acks, lost acks, retries, restarts and forged acks. The one rule behind
// them: the requester signs only its own last voucher plus a price it agreed to. A provider's
// claim counts only when it carries the requester's own signature over what it claims.
import { recoverAddress } from 'ethers'
import { VoucherStatus } from '../gen/payments.ts'
import type { VoucherHasher } from './voucher.ts'

/** A voucher's counters (what a cumulative voucher promises). */
export interface VoucherCounters {
  nonce: bigint
  cumulativeAmount: bigint
}

/** What the requester knows of its last signed voucher in a channel. */
export interface SentCounters extends VoucherCounters {
  acked: boolean
}

/** The fields of a provider's ack that the decisions read. */
export interface AckClaim {
  status: VoucherStatus
  code: string
  nonce: bigint
  bestNonce: bigint
  bestCumulativeAmount: string
  bestSignature: Uint8Array
}

/**
 * What to do for a job about to be paid, given the voucher that paid it (if one was signed)
 * and the channel's last signed voucher. Cumulative vouchers make any later voucher cover an
 * earlier job too: once a voucher at or above the job's is acknowledged, the job is paid.
 */
export type JobPlan = { kind: 'sign' } | { kind: 'paid' } | { kind: 'resend' }

export function planJobPayment(job: VoucherCounters | undefined, sent: SentCounters | undefined): JobPlan {
  if (job === undefined) return { kind: 'sign' }
  // the job's voucher was signed, so `sent` exists and is at or above it (nonces only grow)
  if (sent === undefined || sent.nonce < job.nonce) return { kind: 'resend' }
  return sent.acked ? { kind: 'paid' } : { kind: 'resend' }
}

/** The next voucher when paying `price` more: our own last voucher plus the price, nothing else. */
export function nextVoucher(sent: VoucherCounters | undefined, price: bigint): VoucherCounters {
  if (price < 0n) throw new RangeError('a price is never negative')
  return { nonce: (sent?.nonce ?? 0n) + 1n, cumulativeAmount: (sent?.cumulativeAmount ?? 0n) + price }
}

/** Whether `signature` is `requester`'s signature over the voucher (channelId, counters). */
export function provesOwnVoucher(
  hasher: VoucherHasher,
  channelId: string,
  requester: string,
  counters: VoucherCounters,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 65) return false
  try {
    const digest = hasher.digest(channelId, counters.cumulativeAmount, counters.nonce)
    const signer = recoverAddress(digest, '0x' + Buffer.from(signature).toString('hex'))
    return signer.toLowerCase() === requester.toLowerCase()
  } catch {
    return false
  }
}

/**
 * The verdict on an ack to a voucher we just signed (`mine`):
 * - delivered: accepted at our nonce, or the provider proves it holds exactly our voucher;
 * - resync: the provider proves, with our own signature, a voucher above ours (our state was
 *   restored from an old copy): continue above that one;
 * - refused: anything else, including a best voucher claimed without our signature.
 * `proves(counters, signature)` checks our signature (provesOwnVoucher bound to the channel).
 */
export type AckVerdict =
  | { kind: 'delivered' }
  | { kind: 'resync'; best: VoucherCounters; signature: Uint8Array }
  | { kind: 'refused'; code: string }

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/

export function judgeAck(
  ack: AckClaim,
  mine: VoucherCounters,
  proves: (c: VoucherCounters, signature: Uint8Array) => boolean,
): AckVerdict {
  if (ack.status === VoucherStatus.VOUCHER_ACCEPTED && ack.nonce === mine.nonce) return { kind: 'delivered' }
  const code = ack.code === '' ? 'VOUCHER_REFUSED' : ack.code
  const claimsAbove = ack.code === 'VOUCHER_REPLAYED' && ack.bestNonce >= mine.nonce
  if (!claimsAbove || !DECIMAL.test(ack.bestCumulativeAmount)) return { kind: 'refused', code }
  const best = { nonce: ack.bestNonce, cumulativeAmount: BigInt(ack.bestCumulativeAmount) }
  if (!proves(best, ack.bestSignature)) return { kind: 'refused', code: 'VOUCHER_BEST_UNPROVEN' }
  // the very voucher we just sent: delivered. Never sign above it (the provider holds it now,
  // so proving it proves nothing about an older state of ours)
  if (best.nonce === mine.nonce) {
    return best.cumulativeAmount === mine.cumulativeAmount ? { kind: 'delivered' } : { kind: 'refused', code }
  }
  return { kind: 'resync', best, signature: ack.bestSignature }
}
