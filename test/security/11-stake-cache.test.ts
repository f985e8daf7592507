// Item 11: the requester's cache of bidders' stakes must stay bounded, however many peer ids
// (free to make) it is asked about. Lookups against the real ProviderRegistry on a Hardhat chain.
import { expect } from 'chai'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ParamsFollower } from '../../node/chain/params.ts'
import { StakeRegistry } from '../../node/chain/registry.ts'
import { startDevChain } from '../support/chain.ts'
import type { DevChain } from '../support/chain.ts'

describe('security 11: the stake cache', function () {
  this.timeout(90_000)
  let chain: DevChain

  before(async () => {
    chain = await startDevChain()
  })
  after(async () => {
    await chain?.stop()
  })

  it('stays bounded after lookups of many distinct peer ids', async () => {
    const params = await ParamsFollower.load(chain.contracts.params)
    const stakes = new StakeRegistry({ registry: chain.contracts.registry, params, maxEntries: 16 })
    for (let i = 0; i < 60; i++) {
      const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
      expect((await stakes.stakeOf(peer, '')).stake).to.equal(0n)
    }
    expect(stakes.size, 'standings cached').to.be.a('number').and.at.most(16)
  })
})
