// The libp2p parts that give a node reach beyond its own network (issue 13, docs/reach.md):
// the circuit relay transport (always: to dial relayed addresses, and to reserve when private),
// AutoNAT v2 (asks peers to dial our public addresses back, and answers their asks), DCUtR
// (upgrades a relayed connection to a direct one: reversal or hole punch), UPnP (asks the
// router for a port) and, when the config says so, a circuit relay server with our limits.
import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { uPnPNAT } from '@libp2p/upnp-nat'
import { announceable } from '../../../protocol/reachability.ts'
import type { Reachability } from '../../../protocol/reachability.ts'
import { circuitListenAddrs } from './options.ts'
import type { ReachOptions } from './options.ts'
import { reachProbe } from './probe.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** a relayed connection's reservation request must complete within this (the relay may look up our profile) */
export const RESERVATION_TIMEOUT_MS = 15_000

export function reachTransports(): Array<ReturnType<typeof circuitRelayTransport>> {
  return [circuitRelayTransport({ reservationCompletionTimeout: RESERVATION_TIMEOUT_MS, reservationConcurrency: 2 })]
}

/** listen addresses besides the configured ones: a forced-private node reserves from the start */
export function reachListen(opts: ReachOptions): string[] {
  return opts.reachability === 'private' ? circuitListenAddrs(opts.relayReservations) : []
}

/** drops our private addresses from what we publish while we are private (see announceable) */
export function reachAnnounceFilter(
  opts: ReachOptions,
  status: () => Reachability,
): (addrs: Multiaddr[]) => Multiaddr[] {
  return (addrs) => announceable(addrs, status(), opts.announcePrivate)
}

// a type alias, not an interface: it is spread into libp2p's services map
export type ReachServiceFactories = {
  reach: ReturnType<typeof reachProbe>
  autonat?: ReturnType<typeof autoNATv2>
  dcutr?: ReturnType<typeof dcutr>
  upnp?: ReturnType<typeof uPnPNAT>
  relay?: ReturnType<typeof circuitRelayServer>
}

export function reachServices(opts: ReachOptions): ReachServiceFactories {
  return {
    reach: reachProbe(),
    ...(opts.autonat ? { autonat: autoNATv2() } : {}),
    ...(opts.dcutr ? { dcutr: dcutr() } : {}),
    ...(opts.upnp ? { upnp: uPnPNAT() } : {}),
    ...(opts.relayServer !== undefined
      ? {
          relay: circuitRelayServer({
            reservations: {
              maxReservations: opts.relayServer.maxReservations,
              defaultDurationLimit: opts.relayServer.durationMs,
              defaultDataLimit: BigInt(opts.relayServer.dataBytes),
            },
          }),
        }
      : {}),
  }
}
