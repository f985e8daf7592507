// /hive/voucher/1.0.0: the requester writes one length-prefixed Voucher, the provider answers
// with one length-prefixed SignedVoucherAck, sent only after the voucher is on disk (fsync).
// Per-peer rate limit: a requester pays at most one voucher per job, so hundreds a second is
// already generous.
import { logger } from '@libp2p/logger'
import { RateLimiter, lpStream } from '@libp2p/utils'
import { MAX_ACK_BYTES } from '../../protocol/payments/ack.ts'
import { MAX_VOUCHER_BYTES } from '../../protocol/payments/voucher.ts'
import { tryConsume } from '../util/rate-limit.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

const log = logger('hive:payments:stream')

export const VOUCHER_PROTOCOL = '/hive/voucher/1.0.0'

export type StreamLibp2p = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>

/** Sends one voucher and returns the raw signed ack. */
export async function sendVoucher (libp2p: StreamLibp2p, peer: PeerId, voucher: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const signal = options.signal ?? AbortSignal.timeout(10_000)
  const stream = await libp2p.dialProtocol(peer, VOUCHER_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_ACK_BYTES })
    await lp.write(voucher, { signal })
    const ack = (await lp.read({ signal })).subarray()
    await stream.close({ signal }).catch(() => {})
    return ack
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** Registers the provider's handler: `answer` returns the signed ack for a voucher. */
export async function handleVouchers (libp2p: StreamLibp2p, answer: (voucher: Uint8Array, from: PeerId) => Promise<Uint8Array>, options: { perSecond?: number } = {}): Promise<() => Promise<void>> {
  const rate = new RateLimiter({ points: options.perSecond ?? 500, duration: 1 })
  await libp2p.handle(VOUCHER_PROTOCOL, async (stream, connection) => {
    const from = connection.remotePeer
    const signal = AbortSignal.timeout(10_000)
    try {
      if (!tryConsume(rate, from.toString(), 1)) throw new Error('voucher rate limit exceeded')
      const lp = lpStream(stream, { maxDataLength: MAX_VOUCHER_BYTES })
      const bytes = (await lp.read({ signal })).subarray()
      const ack = await answer(bytes, from)
      await lp.write(ack, { signal })
      await stream.close({ signal })
    } catch (err) {
      log('voucher stream from %s failed: %s', from.toString(), (err as Error).message)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }, { maxInboundStreams: 64 })
  return async () => { await libp2p.unhandle(VOUCHER_PROTOCOL) }
}
