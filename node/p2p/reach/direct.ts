// Waiting for a direct connection (issue 13): a relayed connection has limits, and bulk data
// should go direct when DCUtR (reversal or hole punch) can make that happen. The wait is
// bounded and abortable: when no direct connection comes, callers decide on the relayed one.
import { isCircuitAddr } from '../../../protocol/reachability.ts'
import { isPrivateAddr } from '../../../protocol/market/requester-addrs.ts'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type ConnectionsLibp2p = Pick<Libp2p, 'getConnections' | 'addEventListener' | 'removeEventListener'>
export type AddressesLibp2p = Pick<Libp2p, 'getMultiaddrs' | 'peerStore'>

const dialable = (a: Multiaddr): boolean => !isCircuitAddr(a) && !isPrivateAddr(a)

/**
 * Whether DCUtR could give a direct connection to `peer`: one side needs a public address (the
 * private side dials it - reversal - or both punch). With none on either side, waiting is waste.
 */
export async function directPossible(libp2p: AddressesLibp2p, peer: PeerId): Promise<boolean> {
  if (libp2p.getMultiaddrs().some(dialable)) return true
  const known = await libp2p.peerStore.get(peer).catch(() => undefined)
  return known?.addresses.some((a) => dialable(a.multiaddr)) ?? false
}

/** whether every open connection to `peer` is relayed (limited); false when there is none */
export function onlyLimited(connections: readonly Connection[]): boolean {
  return connections.length > 0 && connections.every((c) => c.limits !== undefined)
}

/** the fewest bytes any of these limited connections may still carry (undefined: no byte limit) */
export function remainingBytes(connections: readonly Connection[]): bigint | undefined {
  let least: bigint | undefined
  for (const c of connections) {
    const b = c.limits?.bytes
    if (b !== undefined && (least === undefined || b < least)) least = b
  }
  return least
}

/** Resolves true as soon as a direct connection to `peer` is open, false after `timeoutMs`. */
export async function waitForDirect(
  libp2p: ConnectionsLibp2p,
  peer: PeerId,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<boolean> {
  const direct = (): boolean => libp2p.getConnections(peer).some((c) => c.limits === undefined && c.status === 'open')
  if (direct()) return true
  return await new Promise<boolean>((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer)
      libp2p.removeEventListener('connection:open', onOpen)
      options.signal?.removeEventListener('abort', onAbort)
      resolve(value)
    }
    const onOpen = (): void => {
      if (direct()) done(true)
    }
    const onAbort = (): void => {
      done(false)
    }
    const timer = setTimeout(() => {
      done(direct())
    }, options.timeoutMs)
    libp2p.addEventListener('connection:open', onOpen)
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) done(false)
  })
}
