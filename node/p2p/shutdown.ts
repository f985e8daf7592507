// libp2p 3.3 stops its transports, which fires 'transport:close'; the address manager answers
// with a 1 s debounced peer-store write that nothing cancels. That timer keeps the process
// alive for a second after stop and then writes into a datastore we have already closed (a
// logged "Database is not open"). Cancel it. Reaches into libp2p's private components, so
// everything is optional: if a later libp2p renames them this does nothing.
import type { HiveLibp2p } from './create.ts'

interface PrivateView {
  components?: { addressManager?: { _updatePeerStoreAddresses?: { stop?: () => void } } }
}

export function cancelLibp2pShutdownTimers(libp2p: HiveLibp2p): void {
  ;(libp2p as unknown as PrivateView).components?.addressManager?._updatePeerStoreAddresses?.stop?.()
}
