// A node keeps the peers it was told to bootstrap from (IPFS calls this peering): they are tagged
// KEEP_ALIVE, so when a link to one drops (a partition, a restart on the far side) libp2p's
// reconnect queue dials it again with backoff (1, 2, 4 … s, `reconnectRetries` times) instead of
// leaving the node to meet it again by chance (a DHT walk, or being among the DHT's closest
// peers by id, which held for some peer ids and not others: a healed split rejoined in 7 s in
// most runs and not within 20 s in one, test/e2e/chaos-partitions.test.ts).
import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { logger } from '../log/logger.ts'
import type { Libp2p } from '@libp2p/interface'

const log = logger('hive:p2p:peering')

export const PEERING_TAG = `${KEEP_ALIVE}-hive-bootstrap`

/** Tags every bootstrap peer (its multiaddr names it with /p2p/) to be kept connected. */
export async function keepBootstrapPeers(
  libp2p: Pick<Libp2p, 'peerStore'>,
  bootstrap: readonly string[],
): Promise<number> {
  let kept = 0
  for (const text of bootstrap) {
    try {
      const ma = multiaddr(text)
      const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
      if (id === undefined) continue
      await libp2p.peerStore.merge(peerIdFromString(id), { multiaddrs: [ma], tags: { [PEERING_TAG]: { value: 50 } } })
      kept++
    } catch (err) {
      log('not keeping bootstrap peer %s: %s', text, (err as Error).message)
    }
  }
  return kept
}
