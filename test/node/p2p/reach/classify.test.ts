// protocol/reachability.ts: the verdict from our own addresses and connections (pure).
import { expect } from 'chai'
import { multiaddr } from '@multiformats/multiaddr'
import { announceable, classifyReachability } from '../../../../protocol/reachability.ts'
import type { OwnAddress } from '../../../../protocol/reachability.ts'

const NOW = 1_000_000
const own = (a: string, verified: boolean, expires = 0, type = 'transport'): OwnAddress => ({
  multiaddr: multiaddr(a),
  verified,
  type,
  expires,
})
const PUBLIC_PEER = multiaddr('/ip4/11.0.0.2/tcp/4001')
const LAN_PEER = multiaddr('/ip4/10.0.0.7/tcp/4001')
const CIRCUIT = '/ip4/11.0.0.2/tcp/4001/p2p/12D3KooWGRUVh7sXAVfxXTkqoxvUMNGkrKAEmiGnFmV36ePw4gQz/p2p-circuit'

describe('protocol/reachability', () => {
  it('a config that forces a mode wins', () => {
    expect(
      classifyReachability({ mode: 'private', addresses: [own('/ip4/11.0.0.5/tcp/1', true)], peerAddrs: [], now: NOW }),
    ).to.equal('private')
    expect(classifyReachability({ mode: 'public', addresses: [], peerAddrs: [], now: NOW })).to.equal('public')
  })

  it('public once a public address of ours is verified (AutoNAT or an announce)', () => {
    const addresses = [own('/ip4/10.0.0.5/tcp/1', true), own('/ip4/11.0.0.5/tcp/1', true)]
    expect(classifyReachability({ mode: 'auto', addresses, peerAddrs: [PUBLIC_PEER], now: NOW })).to.equal('public')
  })

  it('private when we reach public peers but have no public address (behind a NAT)', () => {
    const addresses = [own('/ip4/10.0.0.5/tcp/1', true), own(CIRCUIT, true)]
    expect(classifyReachability({ mode: 'auto', addresses, peerAddrs: [PUBLIC_PEER], now: NOW })).to.equal('private')
  })

  it('private when AutoNAT tested every public address and none was dialable', () => {
    const addresses = [own('/ip4/11.0.0.5/tcp/1', false, NOW + 60_000)]
    expect(classifyReachability({ mode: 'auto', addresses, peerAddrs: [PUBLIC_PEER], now: NOW })).to.equal('private')
  })

  it('unknown while a public address waits for AutoNAT, and on a LAN or loopback devnet', () => {
    expect(
      classifyReachability({
        mode: 'auto',
        addresses: [own('/ip4/11.0.0.5/tcp/1', false, 0)],
        peerAddrs: [PUBLIC_PEER],
        now: NOW,
      }),
    ).to.equal('unknown')
    expect(
      classifyReachability({
        mode: 'auto',
        addresses: [own('/ip4/10.0.0.5/tcp/1', true)],
        peerAddrs: [LAN_PEER],
        now: NOW,
      }),
    ).to.equal('unknown')
    expect(
      classifyReachability({ mode: 'auto', addresses: [own('/ip4/127.0.0.1/tcp/1', true)], peerAddrs: [], now: NOW }),
    ).to.equal('unknown')
  })

  it('while private, publishes circuit and public addresses but not LAN ones (unless the devnet asks)', () => {
    const addrs = [multiaddr('/ip4/192.168.1.4/tcp/1'), multiaddr(CIRCUIT), multiaddr('/ip4/11.0.0.5/tcp/1')]
    expect(announceable(addrs, 'private', false).map(String)).to.deep.equal([CIRCUIT, '/ip4/11.0.0.5/tcp/1'])
    expect(announceable(addrs, 'private', true)).to.have.length(3)
    expect(announceable(addrs, 'unknown', false)).to.have.length(3)
  })
})
