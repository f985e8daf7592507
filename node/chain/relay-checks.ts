// The relay policy's chain questions (issue 13, docs/reach.md "Relay policy"), answered from
// this node's chain: is a provider's stake bonded (the registry's record for its peer id, at
// least the live minimum, not slashed), and does a requester's signed binding name an account
// that holds enough HIVE to pay for jobs. Every failure (bad binding, RPC error) is a "no": a
// relay never grants on a question it could not answer.
import { parseEther } from 'ethers'
import { peerIdFromString } from '@libp2p/peer-id'
import { verifyEthIdentity } from './binding.ts'
import type { ChainClient } from './client.ts'
import type { ParamsFollower } from './params.ts'
import type { StakeRegistry } from './registry.ts'
import type { RelayChainChecks } from '../p2p/reach/relay-policy.ts'
import type { PeerId } from '@libp2p/interface'

export interface RelayChecksInit {
  /** the chain service's parts (readable once it started) */
  chain: {
    readonly stakes: Pick<StakeRegistry, 'standingOfPeer'>
    readonly params: Pick<ParamsFollower, 'get'>
    readonly client: Pick<ChainClient, 'chainId' | 'contracts'>
    whenStarted(): Promise<void>
  }
  /** whole HIVE the requester's account must hold (config relayRequesterMinHive) */
  requesterMinHive: number
  /** unix seconds (binding expiry); the node's clock */
  nowSeconds: () => bigint
}

export function relayChainChecks(init: RelayChecksInit): RelayChainChecks {
  const { chain } = init
  const minFunds = parseEther(String(init.requesterMinHive))
  return {
    providerStaked: async (peer: PeerId) => {
      await chain.whenStarted()
      const s = await chain.stakes.standingOfPeer(peer)
      return s.provider !== null && !s.slashed && s.bonded >= chain.params.get('minProviderStake')
    },
    fundedAccount: async (peer, claim) => {
      await chain.whenStarted()
      // the peer id comes from the connection (Noise proved it); the binding must name it
      const account = verifyEthIdentity(
        peerIdFromString(peer.toString()),
        claim,
        BigInt(chain.client.chainId),
        init.nowSeconds(),
      )
      const balance = await chain.client.contracts.token.balanceOf.staticCall(account)
      return balance >= minFunds ? account : undefined
    },
  }
}
