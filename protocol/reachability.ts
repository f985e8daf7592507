// Whether other peers can dial this node, from what libp2p knows about its own addresses (issue
// 13, docs/reach.md). Pure: the caller hands in the addresses and connections.
//
// AutoNAT (v1 and v2 alike) only ever tests public addresses, and js-libp2p's identify ignores
// observed TCP addresses (js-libp2p #2620), so a host behind a NAT whose own addresses are all
// private is never tested and never declared unreachable. Hence two kinds of evidence:
// - public: some public, non-relayed address of ours is verified (AutoNAT confirmed it, or the
//   operator announced it);
// - private: we hold connections to public peers, yet have no public address of our own - we
//   reach the internet through a NAT (the loopback devnet, talking only to private addresses,
//   stays unknown); or AutoNAT tested every public address we have and none was dialable.
import { isPrivateAddr } from './market/requester-addrs.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export type Reachability = 'public' | 'private' | 'unknown'

export interface OwnAddress {
  multiaddr: Multiaddr
  verified: boolean
  /** libp2p's address source: transport, announce, observed, ip-mapping, dns-mapping */
  type: string
  /** unix ms until which the verdict on this address stands (0: never tested) */
  expires?: number
}

export interface ReachabilityInput {
  /** forced by config ('auto' learns it) */
  mode: 'auto' | 'public' | 'private'
  addresses: readonly OwnAddress[]
  /** remote addresses of our current direct (not relayed) connections */
  peerAddrs: readonly Multiaddr[]
  now: number
}

export function isCircuitAddr(addr: Multiaddr): boolean {
  return addr.getComponents().some((c) => c.name === 'p2p-circuit')
}

/** public, non-relayed addresses of ours that a peer could dial (verified or not) */
export function publicCandidates(addresses: readonly OwnAddress[]): OwnAddress[] {
  return addresses.filter((a) => !isCircuitAddr(a.multiaddr) && !isPrivateAddr(a.multiaddr))
}

export function classifyReachability(input: ReachabilityInput): Reachability {
  if (input.mode !== 'auto') return input.mode
  const candidates = publicCandidates(input.addresses)
  if (candidates.some((a) => a.verified)) return 'public'
  const reachesPublic = input.peerAddrs.some((a) => !isCircuitAddr(a) && !isPrivateAddr(a))
  if (candidates.length === 0 && reachesPublic) return 'private'
  // every candidate was tested (a verdict that still stands) and found undialable
  if (candidates.length > 0 && candidates.every((a) => (a.expires ?? 0) > input.now)) return 'private'
  return 'unknown'
}

/**
 * The addresses to publish: while private, not our private (LAN) ones - they tell the world our
 * network layout and nobody outside can dial them - unless the devnet asks for them.
 */
export function announceable(addrs: readonly Multiaddr[], status: Reachability, announcePrivate: boolean): Multiaddr[] {
  if (status !== 'private' || announcePrivate) return [...addrs]
  return addrs.filter((a) => isCircuitAddr(a) || !isPrivateAddr(a))
}
