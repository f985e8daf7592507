// What the libp2p node needs to know about reach (issue 13, docs/reach.md): which NAT-traversal
// parts run and with what limits. Built from the node's config by reachOptionsFromConfig.
import type { HiveSettings, ReachabilityMode } from '../../config.ts'

export interface RelayServerLimits {
  maxReservations: number
  /** per relayed connection */
  durationMs: number
  /** per relayed connection, both directions */
  dataBytes: number
  /** relay (hop) streams one peer may have open at once */
  maxCircuitsPerPeer: number
}

export interface ReachOptions {
  reachability: ReachabilityMode
  /** relays to reserve a slot on when private */
  relayReservations: number
  /** undefined: not a relay */
  relayServer?: RelayServerLimits
  autonat: boolean
  dcutr: boolean
  upnp: boolean
  announcePrivate: boolean
}

export const CIRCUIT_LISTEN = '/p2p-circuit'

export function reachOptionsFromConfig(
  config: Pick<
    HiveSettings,
    | 'reachability'
    | 'relayReservations'
    | 'relayServer'
    | 'relayMaxReservations'
    | 'relayCircuitDurationMs'
    | 'relayCircuitDataBytes'
    | 'relayMaxCircuitsPerPeer'
    | 'autonat'
    | 'dcutr'
    | 'upnp'
    | 'announcePrivate'
  >,
): ReachOptions {
  return {
    reachability: config.reachability,
    relayReservations: config.relayReservations,
    ...(config.relayServer
      ? {
          relayServer: {
            maxReservations: config.relayMaxReservations,
            durationMs: config.relayCircuitDurationMs,
            dataBytes: config.relayCircuitDataBytes,
            maxCircuitsPerPeer: config.relayMaxCircuitsPerPeer,
          },
        }
      : {}),
    autonat: config.autonat,
    dcutr: config.dcutr,
    upnp: config.upnp,
    announcePrivate: config.announcePrivate,
  }
}

/**
 * One `/p2p-circuit` listen address per relay to reserve on: js-libp2p's relay transport keeps
 * one reservation per such address and looks for a new relay when one goes away.
 */
export function circuitListenAddrs(count: number): string[] {
  return Array.from({ length: count }, () => CIRCUIT_LISTEN)
}
