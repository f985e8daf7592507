// /hive/profile/1.0.0 (issue 14, gossip that scales): a provider's own signed profile, sent to the
// one peer that just joined the profiles topic. Gossip has no memory, so a peer that joins after a
// provider announced would not hear of it until the provider re-signs (every TTL/2). Re-announcing
// on the topic for each joiner made every join cost every node one validation per provider (N²
// messages per join): 20 providers starting in batches kept the whole network busy (~2 cores for
// half a minute after the last one was up). A push reaches the joiner only, from the providers
// connected to it (only they see its subscription): O(connections) per join, validated once.
//
// The receiver takes a record only when it is the sender's own (the stream's peer id, proven by
// the Noise handshake, must be the profile's): a peer cannot fill others' views with profiles it
// collected. It is then checked as one heard on the topic (signature, validity window, newer than
// the one held: announce.ts), at most 10 per peer per minute.
import { readTextRefusal, textRefusal } from '../p2p/reqresp/errors.ts'
import { handleProtocol } from '../p2p/reqresp/inbound.ts'
import { sendRequest } from '../p2p/reqresp/outbound.ts'
import { MAX_PROFILE_RECORD_BYTES } from '../../protocol/profile.ts'
import type { InboundComponents } from '../p2p/reqresp/inbound.ts'
import type { OutboundComponents } from '../p2p/reqresp/outbound.ts'
import type { ProtocolDescriptor } from '../p2p/reqresp/types.ts'
import type { PeerId } from '@libp2p/interface'

export const PROFILE_PUSH_PROTOCOL = '/hive/profile/1.0.0'

const EMPTY = new Uint8Array(0)
/** the refusals a receiver answers with (anything else reads as SERVER_ERROR) */

/** Takes a pushed record from `from`; throws a ReqRespError for one it refuses outright. */
export type TakePushedProfile = (record: Uint8Array, from: PeerId) => Promise<void>

function descriptor(take: TakePushedProfile | undefined): ProtocolDescriptor<Uint8Array, Uint8Array> {
  return {
    id: PROFILE_PUSH_PROTOCOL,
    name: 'profile-push',
    request: { encode: (b) => b, decode: (b) => b },
    // taken: nothing; refused: the error's code, so that a sender learns why
    response: { encode: (b) => b, decode: (b) => b },
    maxRequestBytes: MAX_PROFILE_RECORD_BYTES,
    maxResponseFrameBytes: 64,
    timeouts: { firstByteMs: 2_000, exchangeMs: 4_000 },
    inbound: { maxStreams: 64, maxStreamsPerPeer: 2 },
    rateLimit: { perPeer: { points: 10, seconds: 60 } },
    strikes: { points: 3, seconds: 60 },
    handler: async (record, ctx) => {
      await take?.(record, ctx.peer)
      return EMPTY
    },
    errorResponse: textRefusal,
    responseError: (b) =>
      b.length === 0 ? undefined : readTextRefusal(b, 'the peer refused the pushed profile', 'profile-push'),
  }
}

/** Serves profile pushes; returns the function that stops serving them. */
export async function serveProfilePush(
  components: InboundComponents,
  take: TakePushedProfile,
): Promise<() => Promise<void>> {
  return await handleProtocol(components, descriptor(take))
}

/** Sends this node's own signed profile record to `peer`. */
export async function pushProfile(
  components: OutboundComponents,
  peer: PeerId,
  record: Uint8Array,
  signal: AbortSignal,
): Promise<void> {
  await sendRequest(components, descriptor(undefined), peer, record, { signal })
}
