// /hive/relay-tie/1.0.0 (issue 13, docs/reach.md "Relay policy"): how a relay under the market
// policy learns which Ethereum account stands behind a peer that asks it for a reservation and
// has no provider profile (a requester). The relay asks, over the connection the reservation
// came on; the peer answers with the signed peer id <-> account binding its profile would carry
// (node/chain/binding.ts). The connection's Noise handshake already proves the peer id, and the
// binding is signed by the account for that peer id only, so a replayed binding is worthless to
// anyone else. The relay then checks the account on its own chain (node/chain/relay-checks.ts).
// Pull rather than push: the relay asks exactly when it decides, so there is no ordering between
// "send the claim" and "reserve" for the requester to get wrong.
import { ReqRespError } from '../reqresp/errors.ts'
import { handleProtocol } from '../reqresp/inbound.ts'
import { sendRequest } from '../reqresp/outbound.ts'
import type { InboundComponents } from '../reqresp/inbound.ts'
import type { OutboundComponents } from '../reqresp/outbound.ts'
import type { ProtocolDescriptor } from '../reqresp/types.ts'
import type { PeerId } from '@libp2p/interface'

export const RELAY_TIE_PROTOCOL = '/hive/relay-tie/1.0.0'

/** an account and its signed binding to the answering peer id (unverified until the relay checks it) */
export interface RelayTieClaim {
  ethAddress: string
  ethBinding: Uint8Array
}

const ADDRESS_BYTES = 20
/** expiry (8) + signature (65), node/chain/binding.ts; a little slack for a future format */
const MAX_BINDING_BYTES = 128
const EMPTY = new Uint8Array(0)

export function encodeTieClaim(claim: RelayTieClaim): Uint8Array {
  const hex = claim.ethAddress.replace(/^0x/i, '')
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) throw new RangeError('ethAddress must be 20 bytes of hex')
  const out = new Uint8Array(ADDRESS_BYTES + claim.ethBinding.length)
  out.set(Buffer.from(hex, 'hex'), 0)
  out.set(claim.ethBinding, ADDRESS_BYTES)
  return out
}

/** undefined for the empty answer (the peer has no account to show) */
export function decodeTieClaim(bytes: Uint8Array): RelayTieClaim | undefined {
  if (bytes.length === 0) return undefined
  if (bytes.length <= ADDRESS_BYTES || bytes.length > ADDRESS_BYTES + MAX_BINDING_BYTES) {
    throw new ReqRespError('MALFORMED', 'relay tie claim has a bad length', { protocol: 'relay-tie' })
  }
  return {
    ethAddress: '0x' + Buffer.from(bytes.subarray(0, ADDRESS_BYTES)).toString('hex'),
    ethBinding: Uint8Array.from(bytes.subarray(ADDRESS_BYTES)),
  }
}

function descriptor(answer: () => RelayTieClaim | undefined): ProtocolDescriptor<Uint8Array, Uint8Array> {
  return {
    id: RELAY_TIE_PROTOCOL,
    name: 'relay-tie',
    // the request carries nothing: the question is always "who are you on chain?"
    request: {
      encode: () => EMPTY,
      decode: (b) => {
        if (b.length !== 0) throw new ReqRespError('MALFORMED', 'relay tie request must be empty')
        return b
      },
    },
    response: { encode: (b) => b, decode: (b) => b },
    maxRequestBytes: 16,
    maxResponseFrameBytes: ADDRESS_BYTES + MAX_BINDING_BYTES,
    timeouts: { firstByteMs: 2000, exchangeMs: 4000 },
    inbound: { maxStreams: 32, maxStreamsPerPeer: 2 },
    rateLimit: { perPeer: { points: 10, seconds: 60 } },
    handler: async () => {
      const claim = answer()
      return claim === undefined ? EMPTY : encodeTieClaim(claim)
    },
    errorResponse: () => EMPTY,
  }
}

/** Answers relays' questions with this node's binding (a node with a chain identity). */
export async function serveRelayTie(components: InboundComponents, claim: RelayTieClaim): Promise<() => Promise<void>> {
  return await handleProtocol(
    components,
    descriptor(() => claim),
  )
}

/** Asks `peer` for its claim; undefined when it has none or does not speak the protocol. */
export async function askRelayTie(
  components: OutboundComponents,
  peer: PeerId,
  signal: AbortSignal,
): Promise<RelayTieClaim | undefined> {
  try {
    const bytes = await sendRequest(
      components,
      descriptor(() => undefined),
      peer,
      EMPTY,
      {
        signal: AbortSignal.any([signal, AbortSignal.timeout(4000)]),
      },
    )
    return decodeTieClaim(bytes)
  } catch {
    // no answer (old node, no handler, malformed) is no claim
    return undefined
  }
}
