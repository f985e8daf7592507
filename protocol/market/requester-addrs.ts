// Which of the addresses a job names for its requester a provider may dial. The job is signed by
// the requester, who chooses them freely: without this filter a job could make every provider
// that hears it connect to hosts on the provider's own LAN or loopback (its router, a local
// admin port). Private, loopback, link-local and reserved IPs (the list of @libp2p/utils'
// isPrivate) and local host names are refused unless the node runs on a private network on
// purpose (`allowPrivateAddrs`: the devnet, tests). Pure.
import { isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/i

/** Whether `addr` points at a private, loopback or local host. */
export function isPrivateAddr(addr: Multiaddr): boolean {
  if (isPrivate(addr)) return true
  const first = addr.getComponents()[0]
  if (first === undefined) return true
  if (first.name === 'dns' || first.name === 'dns4' || first.name === 'dns6' || first.name === 'dnsaddr') {
    return LOCAL_NAME.test(first.value ?? '')
  }
  return false
}

/** The addresses of `addrs` a provider may dial. */
export function dialableRequesterAddrs(addrs: readonly Multiaddr[], options: { allowPrivate: boolean }): Multiaddr[] {
  return options.allowPrivate ? [...addrs] : addrs.filter((a) => !isPrivateAddr(a))
}
