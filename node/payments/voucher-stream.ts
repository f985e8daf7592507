// /hive/voucher/2.0.0 on the request/response layer: the requester sends one Voucher, the
// provider answers one VoucherReply: the signed ack, sent only after the voucher is on disk
// (fsync), or a typed error when it could not judge the voucher (version 1 aborted the stream
// instead, so a requester could not tell a rate limit from a crash).
// Per-peer rate limit: a requester pays at most one voucher per job, so hundreds a second is
// already generous.
import { MAX_ACK_BYTES } from '../../protocol/payments/ack.ts'
import { MAX_VOUCHER_BYTES } from '../../protocol/payments/voucher.ts'
import { VoucherReply } from '../../protocol/gen/payments.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import { ReqRespError, bytesCodec, handleProtocol, sendRequest } from '../p2p/reqresp/index.ts'
import type { OutcomeCounters, ProtocolDescriptor, ReqRespErrorCode } from '../p2p/reqresp/index.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

export const VOUCHER_PROTOCOL = PROTOCOLS.voucher

export type StreamLibp2p = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>

/** keeps an error reply well inside MAX_ACK_BYTES */
const MAX_ERROR_MESSAGE = 256
const EMPTY = new Uint8Array(0)

type Answer = (voucher: Uint8Array, from: PeerId) => Promise<Uint8Array>

/** The voucher protocol; `answer` (the provider's receiver) returns the encoded SignedVoucherAck. */
export function voucherProtocol(
  answer: Answer,
  options: { perSecond?: number } = {},
): ProtocolDescriptor<Uint8Array, Uint8Array> {
  return {
    id: VOUCHER_PROTOCOL,
    name: 'voucher',
    request: bytesCodec,
    // an ack is a VoucherReply with only fields 1-3, so the receiver's bytes go out as they are
    response: bytesCodec,
    maxRequestBytes: MAX_VOUCHER_BYTES,
    maxResponseFrameBytes: MAX_ACK_BYTES,
    timeouts: { firstByteMs: 8_000, exchangeMs: 10_000 },
    inbound: { maxStreams: 256, maxStreamsPerPeer: 64 },
    rateLimit: { perPeer: { points: options.perSecond ?? 500, seconds: 1 } },
    handler: async (voucher, { peer }) => await answer(voucher, peer),
    // vouchers are small: they cross relayed (limited) connections (issue 13, docs/reach.md)
    runOnLimitedConnection: true,
    errorResponse: (e) =>
      VoucherReply.encode({
        payload: EMPTY,
        signer: EMPTY,
        signature: EMPTY,
        errorCode: e.code,
        errorMessage: e.message.slice(0, MAX_ERROR_MESSAGE),
      }),
    responseError: (bytes) => {
      let reply: VoucherReply
      try {
        reply = VoucherReply.decode(bytes)
      } catch {
        return undefined // not ours to judge: openVoucherAck checks the ack and says why it is bad
      }
      if (reply.errorCode === '') return undefined
      const why = `provider refused the voucher stream: ${reply.errorMessage}`
      return new ReqRespError(reply.errorCode as ReqRespErrorCode, why, { protocol: 'voucher' })
    },
  }
}

/** Sends one voucher and returns the raw signed ack; a provider's error reply throws a ReqRespError. */
export async function sendVoucher(
  libp2p: StreamLibp2p,
  peer: PeerId,
  voucher: Uint8Array,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const protocol = voucherProtocol(async () => {
    throw new Error('client side only')
  })
  const signal = options.signal ?? AbortSignal.timeout(10_000)
  return await sendRequest({ libp2p }, protocol, peer, voucher, { signal })
}

/** Registers the provider's handler: `answer` returns the signed ack for a voucher. */
export async function handleVouchers(
  libp2p: StreamLibp2p,
  answer: Answer,
  options: { perSecond?: number; counters?: OutcomeCounters } = {},
): Promise<() => Promise<void>> {
  const components = { libp2p, ...(options.counters !== undefined ? { counters: options.counters } : {}) }
  return await handleProtocol(components, voucherProtocol(answer, options))
}
