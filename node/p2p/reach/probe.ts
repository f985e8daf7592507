// A libp2p service with no behaviour of its own: it hands the reach code the parts of libp2p
// that the public Libp2p object does not expose (the address manager with each address's
// verification state, and the transport manager to listen on relays once we learn we are
// private). Read only through ReachProbe's methods, so the rest of the node never sees them.
import type { StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ProbedAddress {
  multiaddr: Multiaddr
  verified: boolean
  type: string
  lastVerified?: number
  expires: number
}

export interface ReachProbe {
  addresses(): ProbedAddress[]
  listen(addrs: Multiaddr[]): Promise<void>
  /** replaces the handler registered for `protocol` by wrap(handler), keeping its options */
  wrapHandler(protocol: string, wrap: (handler: StreamHandler) => StreamHandler): Promise<void>
}

// the few members used, typed here: @libp2p/interface-internal is not a dependency of ours
interface ProbeComponents {
  addressManager: { getAddressesWithMetadata: () => ProbedAddress[] }
  transportManager: { listen: (addrs: Multiaddr[]) => Promise<void> }
  registrar: {
    getHandler: (protocol: string) => { handler: StreamHandler; options: StreamHandlerOptions }
    handle: (
      protocol: string,
      handler: StreamHandler,
      options?: StreamHandlerOptions & { force?: boolean },
    ) => Promise<void>
  }
}

export function reachProbe(): (components: ProbeComponents) => ReachProbe {
  return (components) => ({
    addresses: () =>
      components.addressManager.getAddressesWithMetadata().map((a) => ({
        multiaddr: a.multiaddr,
        verified: a.verified,
        type: a.type,
        ...(a.lastVerified !== undefined ? { lastVerified: a.lastVerified } : {}),
        expires: a.expires,
      })),
    listen: async (addrs) => {
      await components.transportManager.listen(addrs)
    },
    wrapHandler: async (protocol, wrap) => {
      const { handler, options } = components.registrar.getHandler(protocol)
      await components.registrar.handle(protocol, wrap(handler), { ...options, force: true })
    },
  })
}
