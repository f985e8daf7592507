// Network-wide constants: every ComputeHive peer must agree on these.
import type { PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/** Our own protocol namespace keeps our DHT separate from IPFS's Amino DHT. */
export const PROTOCOL_PREFIX = '/hive'
export const DHT_PROTOCOL = `${PROTOCOL_PREFIX}/kad/1.0.0`
export const USER_AGENT_NAME = 'computehive'

/**
 * Gossipsub score thresholds, ordered graylist < publish < gossip < 0 as gossipsub v1.1 requires.
 * Values from Lodestar/Lighthouse (gossip -4000, publish -8000, graylist -16000): with the
 * default per-peer weights (behaviour penalty -10 × excess², IP colocation -5 × surplus²) an
 * honest peer never gets near them, and they leave room for the large negative
 * invalid-message weights the market's topics will add. acceptPX 100 means we only take peer
 * exchange from peers that earned a high score; opportunistic grafting starts when the median
 * mesh score falls below 5.
 */
export const GOSSIP_SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -4000,
  publishThreshold: -8000,
  graylistThreshold: -16000,
  acceptPXThreshold: 100,
  opportunisticGraftThreshold: 5,
}

/**
 * Source IPs exempt from gossipsub's IP-colocation penalty. Every peer on one machine shares
 * 127.0.0.1; without this, the 11th local peer would start losing score quadratically (−5 per
 * extra peer², i.e. below the graylist at ~68 peers) and tests/benchmarks with many local peers
 * would see messages dropped. Remote hosts are still penalised as usual.
 */
export const DEFAULT_COLOCATION_WHITELIST = ['127.0.0.1', '::1']

/**
 * Connection manager limits. libp2p rate-limits inbound connections per remote host (default 5
 * per second, 10 pending upgrades); on one machine all peers are the same host, so dozens of
 * simultaneous dials to one peer (a bootstrap node, a benchmark) failed with
 * EncryptionFailedError. These limits admit ~100 local peers dialling at once.
 */
export const CONNECTION_LIMITS = {
  maxConnections: 300,
  inboundConnectionThreshold: 100,
  maxIncomingPendingConnections: 100,
  // a KEEP_ALIVE peer (the bootstrap peers, node/p2p/peering.ts) is dialled again 1, 2, 4 … 128 s
  // after it was lost: about 4 minutes of cut before the node stops trying (libp2p's default, 5
  // tries, gives up after 31 s)
  reconnectRetries: 8,
} as const

/**
 * How often libp2p's connection monitor pings each open connection (libp2p's default is 10 s).
 * Each ping opens a stream (multistream-select, 32 bytes each way, a close on both ends: about ten
 * encrypted frames each way), so on an idle network the monitor was most of a node's CPU: an idle
 * node with 5 peers spent 13–17 ms of CPU per second at 10 s and 7–10 without the monitor, and
 * the cost grows with the connection count (issue 14: the idle network is netted out of every
 * job's CPU, and in-process all nodes' pings share one thread). Once a minute still aborts a
 * connection whose peer vanished without a FIN (the market never waits on that: pushes and jobs
 * carry their own deadlines and heartbeats) and still measures each connection's round trip
 * (bid scoring reads it; a new connection has none until its first ping). Yamux's own keep-alive
 * (one frame each way every 30 s, no stream) keeps NAT mappings open in between.
 */
export const CONNECTION_PING_INTERVAL_MS = 60_000

/**
 * Per-topic gossipsub score parameters for the market's topics (hive/jobs/<executor>/1 and
 * hive/clearing/1). Only P4 (invalid messages) bites: an honest peer never sends a
 * REJECT-worthy message (protocol/market/errors.ts), so one invalid message costs -1000, two
 * reach the gossip threshold (-4000 counts P4 squared: weight × count²), four the graylist
 * (-16000), and the count decays by 0.999 per second (half-life about 11 minutes). P3/P3b (mesh
 * delivery deficits) stay off: job traffic is bursty, and a quiet mesh peer is not a
 * misbehaving one. A small time-in-mesh and first-delivery reward lets honest peers recover.
 */
export const MARKET_TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.001,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 3600,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -1000,
  invalidMessageDeliveriesDecay: 0.999,
}
