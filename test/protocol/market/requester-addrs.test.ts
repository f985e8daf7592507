import { expect } from 'chai'
import { multiaddr } from '@multiformats/multiaddr'
import { dialableRequesterAddrs, isPrivateAddr } from '../../../protocol/market/requester-addrs.ts'

describe('protocol/market requester addresses', () => {
  it('tells private, loopback and local addresses from public ones', () => {
    const cases: Array<[string, boolean]> = [
      ['/ip4/127.0.0.1/tcp/4001', true],
      ['/ip4/10.1.2.3/tcp/4001', true],
      ['/ip4/192.168.1.1/tcp/80', true],
      ['/ip4/172.16.0.1/tcp/80', true],
      ['/ip4/169.254.169.254/tcp/80', true],
      ['/ip4/0.0.0.0/tcp/80', true],
      ['/ip6/::1/tcp/4001', true],
      ['/ip6/fe80::1/tcp/4001', true],
      ['/ip6/fd00::1/tcp/4001', true],
      ['/ip6/::ffff:127.0.0.1/tcp/4001', true],
      ['/dns4/localhost/tcp/4001', true],
      ['/dns4/router.local/tcp/80', true],
      ['/dns4/nas.home.arpa/tcp/80', true],
      ['/ip4/8.8.8.8/tcp/4001', false],
      ['/ip6/2a00:1450::1/tcp/4001', false],
      ['/dns4/example.org/tcp/4001', false],
    ]
    for (const [addr, expected] of cases) expect(isPrivateAddr(multiaddr(addr)), addr).to.equal(expected)
  })

  it('keeps only public addresses unless private ones are allowed', () => {
    const addrs = ['/ip4/127.0.0.1/tcp/1', '/ip4/8.8.8.8/tcp/1'].map((a) => multiaddr(a))
    expect(dialableRequesterAddrs(addrs, { allowPrivate: false }).map(String)).to.deep.equal(['/ip4/8.8.8.8/tcp/1'])
    expect(dialableRequesterAddrs(addrs, { allowPrivate: true })).to.have.length(2)
  })
})
