// StakeRegistry.stakeOwnerOf (issue 14/15: stake counted per owner, not per peer id), against a
// stand-in for the ProviderRegistry's statusOfPeerId view: the owner is the address a peer id's
// stake is bound to; none for an unbound id or a failed lookup. The real contract is exercised
// through stakeOf in test/node/chain/staking-market.test.ts and test/security/11-stake-cache.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { ZeroAddress, getAddress, hexlify } from 'ethers'
import { peerIdBytes } from '../../../node/chain/binding.ts'
import { StakeRegistry } from '../../../node/chain/registry.ts'
import type { ParamsFollower } from '../../../node/chain/params.ts'
import type { Bound } from '../../../node/chain/contracts.ts'
import type { ProviderRegistry } from '../../../node/chain/typechain.ts'

const OWNER = getAddress('0x' + '1a'.repeat(20))

describe('node/chain stakeOwnerOf', () => {
  it('names the bound owner, null for an unbound peer id or a failed lookup, and caches like stakeOf', async () => {
    const bound = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const unbound = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const broken = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    let calls = 0
    const registry = {
      statusOfPeerId: {
        staticCall: async (peer: string): Promise<[string, bigint, bigint]> => {
          calls++
          if (peer === hexlify(peerIdBytes(broken))) throw new Error('rpc down')
          return peer === hexlify(peerIdBytes(bound)) ? [OWNER, 1n, 500n] : [ZeroAddress, 0n, 0n]
        },
      },
    } as unknown as Bound<ProviderRegistry>
    const params = { get: () => 100n } as unknown as ParamsFollower
    const stakes = new StakeRegistry({ registry, params })
    expect(await stakes.stakeOwnerOf(bound)).to.equal(OWNER)
    expect(await stakes.stakeOwnerOf(bound)).to.equal(OWNER)
    expect((await stakes.stakeOf(bound, '')).stake).to.equal(500n)
    expect(calls, 'one lookup for owner and stake').to.equal(1)
    expect(await stakes.stakeOwnerOf(unbound)).to.equal(null)
    expect(await stakes.stakeOwnerOf(broken)).to.equal(null)
  })
})
