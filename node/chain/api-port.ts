// What the chain API routes (api-routes.ts) need of the chain service. service.ts implements it
// and registers the routes; this interface is what lets the two files not import each other.
import type { ChainClient } from './client.ts'
import type { ParamsFollower, ProtocolParamValues } from './params.ts'
import type { OwnStakeStatus } from './registry.ts'

export interface WalletSummary {
  chainId: number
  address: string
  eth: bigint
  hive: bigint
  stake: OwnStakeStatus | undefined
  params: Readonly<ProtocolParamValues> | undefined
  /** null when no payments service reports it */
  openChannels: number | null
}

export interface ChainApi {
  readonly client: Pick<ChainClient, 'chainId'>
  readonly params: Pick<ParamsFollower, 'block' | 'current'>
  readonly ownStake: OwnStakeStatus
  walletSummary: () => Promise<WalletSummary>
}
