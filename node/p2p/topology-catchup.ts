// libp2p tells a protocol's topology about a peer only from identify results that arrive after
// the topology registered (libp2p's registrar does not replay peers already identified). Most
// topologies register while libp2p starts: kad-dht's routing table, gossipsub's peer set, the
// circuit relay transport's relay discovery. A peer that was dialled and identified earlier in
// the same start (the bootstrap list is dialled at once, and a DB-backed peer store makes the
// services' start slower than a dial on a fast network) is then never announced to them: the
// routing table stays empty (every DHT put reaches 0 peers, every lookup waits out its timeout)
// and the relay is never found, so a private node holds no reservation (issue 13, docs/reach.md).
// Identifying the open connections once more after start replays them to every topology.
import { logger } from '../log/logger.ts'
import type { Connection } from '@libp2p/interface'

const log = logger('hive:p2p:topology')

export interface IdentifyingNode {
  getConnections: () => Connection[]
  services: { identify: { identify: (connection: Connection, options?: { signal?: AbortSignal }) => Promise<unknown> } }
}

/**
 * Runs identify again on every open connection so that topologies registered after the peer's
 * first identify hear of it. Resolves with how many connections were identified again; one that
 * fails identify is tried again (`attempts`, default 3, `retryMs` apart) while it stays open.
 */
export async function catchUpTopologies(
  libp2p: IdentifyingNode,
  signal?: AbortSignal,
  options: { attempts?: number; retryMs?: number } = {},
): Promise<number> {
  const open = libp2p.getConnections().filter((c) => c.status === 'open')
  let pending = open
  let ok = 0
  // identify times out on a loaded host (the testbed saw 4 of 8 fail at once): a peer left out
  // here stays out of the routing table and the gossip mesh, so try the failed ones again
  for (let attempt = 1; attempt <= (options.attempts ?? 3) && pending.length > 0; attempt++) {
    if (attempt > 1) {
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1000))
      if (signal?.aborted === true) break
    }
    const results = await Promise.allSettled(
      pending.map(async (c) => await libp2p.services.identify.identify(c, signal !== undefined ? { signal } : {})),
    )
    ok += results.filter((r) => r.status === 'fulfilled').length
    pending = pending.filter((c, i) => results[i].status === 'rejected' && c.status === 'open')
  }
  log('identified %d of %d connections again after start', ok, open.length)
  return ok
}
