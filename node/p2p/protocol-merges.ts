// libp2p records, for every stream it opens or accepts, that the remote peer speaks the stream's
// protocol: a peer-store merge of `{ protocols: [protocol] }` under the peer's write lock, which
// reads the peer's record from the datastore (the node's LevelDB), decodes it, and writes it back
// (its `updated` time changes every time). Two LevelDB reads and writes per request/reply
// exchange, one on each end: in the processes-mode market bench that was ~12 % of every node's
// CPU, and most of an idle node's cost of the connection monitor's pings.
//
// This layer answers such a merge from memory when this process merged the same protocols for
// that peer less than `refreshMs` ago and the record still lists them. It follows every change
// the store announces (`peer:update`: identify replacing a peer's protocol list, say) and every
// delete, so a protocol the record lost is merged again on its next stream, and the record is
// still written at least once per `refreshMs` per peer in use (its age keeps it from expiring).
// Any other merge (addresses, tags, metadata) goes to the store as before.
import type { Libp2pEvents, Peer, PeerData, PeerId, PeerStore, TypedEventTarget } from '@libp2p/interface'

export interface ProtocolMergeOptions {
  /** how long a merge of a peer's protocols stands before the record is written again (default 60 s) */
  refreshMs?: number
  /** peers remembered at most; the oldest goes first (default 4,096) */
  maxPeers?: number
  now?: () => number
}

export interface ProtocolMerges {
  /** merges answered from memory since start */
  readonly skipped: number
  /** restores the store's own methods */
  stop: () => void
}

interface Known {
  peer: Peer
  protocols: Set<string>
  mergedAt: number
}

function protocolsOnly(data: PeerData): data is PeerData & { protocols: string[] } {
  const keys = Object.keys(data)
  return keys.length === 1 && keys[0] === 'protocols' && Array.isArray(data.protocols)
}

/** Puts the protocol-merge cache in front of `peerStore` (the node's, before it starts). */
export function cacheProtocolMerges(
  peerStore: PeerStore,
  events: Pick<TypedEventTarget<Libp2pEvents>, 'addEventListener' | 'removeEventListener'>,
  options: ProtocolMergeOptions = {},
): ProtocolMerges {
  const refreshMs = options.refreshMs ?? 60_000
  const maxPeers = options.maxPeers ?? 4_096
  const now = options.now ?? Date.now
  const known = new Map<string, Known>()
  let skipped = 0
  const merge = peerStore.merge.bind(peerStore)
  const remove = peerStore.delete.bind(peerStore)

  const remember = (key: string, peer: Peer): void => {
    known.delete(key)
    known.set(key, { peer, protocols: new Set(peer.protocols), mergedAt: now() })
    if (known.size > maxPeers) known.delete(known.keys().next().value!)
  }

  peerStore.merge = async (id: PeerId, data: PeerData, opts?: Parameters<PeerStore['merge']>[2]): Promise<Peer> => {
    const key = id.toString()
    if (protocolsOnly(data)) {
      const k = known.get(key)
      if (k !== undefined && now() - k.mergedAt < refreshMs && data.protocols.every((p) => k.protocols.has(p))) {
        skipped++
        return k.peer
      }
      const peer = await merge(id, data, opts)
      remember(key, peer)
      return peer
    }
    return await merge(id, data, opts)
  }
  peerStore.delete = async (id: PeerId, opts?: Parameters<PeerStore['delete']>[1]): Promise<void> => {
    known.delete(id.toString())
    await remove(id, opts)
  }
  const onUpdate = (evt: CustomEvent<{ peer: Peer }>): void => {
    const k = known.get(evt.detail.peer.id.toString())
    if (k === undefined) return
    k.peer = evt.detail.peer
    k.protocols = new Set(evt.detail.peer.protocols)
  }
  events.addEventListener('peer:update', onUpdate)

  return {
    get skipped() {
      return skipped
    },
    stop: () => {
      events.removeEventListener('peer:update', onUpdate)
      peerStore.merge = merge
      peerStore.delete = remove
      known.clear()
    },
  }
}
