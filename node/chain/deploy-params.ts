// The constructor parameters of a deployment: production defaults and the devnet's short windows.
import { parseEther } from 'ethers'
import type { GenesisAllocation } from './genesis.ts'

/** All durations in seconds, token amounts in wei (HIVE has 18 decimals). */
export interface DeployParams {
  tokenSupply: bigint
  /**
   * Who gets the supply at deployment (node/chain/genesis.ts): rows that add up to tokenSupply,
   * none but the treasury's reaching half of it. Handed out by deployAll in the same run.
   */
  genesis: readonly GenesisAllocation[]
  votingDelay: bigint
  votingPeriod: bigint
  proposalThreshold: bigint
  quorumPercent: bigint
  timelockDelay: bigint
  minProviderStake: bigint
  unbondingPeriod: bigint
  escrowChallengeWindow: bigint
  channelChallengePeriod: bigint
  protocolFeeBps: bigint
  reporterShareBps: bigint
  equivocationSlashBps: bigint
  /** bond a requester pays to dispute an escrow, in bps of the deposit (rounded up) */
  disputeBondBps: bigint
  /** how long the arbiter has to rule on a dispute before the provider may claim */
  arbitrationWindow: bigint
  /**
   * Constructor minimums of ProtocolParams: no governance action can go below them, and each must
   * exceed 60 s. The unbonding period must also exceed votingDelay + votingPeriod + timelockDelay
   * + slashMargin, so that stake stays slashable until a slash proposal can execute.
   */
  minUnbondingPeriod: bigint
  minEscrowChallengeWindow: bigint
  minChannelChallengePeriod: bigint
  minArbitrationWindow: bigint
  slashMargin: bigint
  /** default: the timelock */
  treasury?: string
  /** default: the timelock (disputes then go through governance until one is chosen) */
  arbiter?: string
}

const HOUR = 3600n
const DAY = 24n * HOUR

/**
 * Production defaults: windows of hours to days, as in Filecoin, nitro, Raiden, Lightning. The
 * minimums follow Filecoin's 12 h and stay far above Raiden's 500 blocks (~100 min); governance
 * needs 1 + 7 + 2 days to act, so unbonding (14 days) leaves a day of margin beyond that.
 */
export const defaultParams: DeployParams = {
  tokenSupply: parseEther('1000000000'),
  // a real deployment passes its own table (scripts/deploy.ts --genesis); without one the whole
  // supply goes to the treasury, where only governance can move it, and the deployer keeps nothing
  genesis: [{ name: 'treasury', to: 'treasury', amount: parseEther('1000000000') }],
  votingDelay: DAY,
  votingPeriod: 7n * DAY,
  proposalThreshold: parseEther('100000'),
  quorumPercent: 4n,
  timelockDelay: 2n * DAY,
  minProviderStake: parseEther('1000'),
  unbondingPeriod: 14n * DAY,
  escrowChallengeWindow: DAY,
  channelChallengePeriod: DAY,
  protocolFeeBps: 50n,
  reporterShareBps: 2000n,
  equivocationSlashBps: 10_000n,
  disputeBondBps: 1000n,
  arbitrationWindow: 7n * DAY,
  minUnbondingPeriod: 7n * DAY,
  minEscrowChallengeWindow: 12n * HOUR,
  minChannelChallengePeriod: 12n * HOUR,
  minArbitrationWindow: 3n * DAY,
  slashMargin: DAY,
}

/**
 * The devnet's genesis (Hardhat's public dev accounts; never for real value): the deployer keeps a
 * faucet that tests and the demo pay participants from (20%), the demo's two token holders get
 * their votes' worth (accounts 6 and 7: 3% and 2%, together over the 4% quorum), contributors'
 * 10% vests over a year (account 9), and the treasury under the timelock holds the rest.
 */
export const DEVNET_GENESIS: readonly GenesisAllocation[] = Object.freeze([
  { name: 'devnet faucet', to: 'deployer', amount: parseEther('200000000') },
  { name: 'holder-1', to: '0x976EA74026E726554dB657fA54763abd0C3a0aa9', amount: parseEther('30000000') },
  { name: 'holder-2', to: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955', amount: parseEther('20000000') },
  {
    name: 'contributors',
    to: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720',
    amount: parseEther('100000000'),
    vesting: { durationSeconds: 365n * DAY },
  },
  { name: 'treasury', to: 'treasury', amount: parseEther('650000000') },
])

/**
 * Short windows (seconds) for the local devnet, demos and tests. Never for real value. Still above
 * 60 s: a node's RPC endpoint may be down for a minute inside a challenge window. Governance needs
 * 1 + 30 + 5 = 36 s to act; unbonding (150 s) exceeds that plus the 90 s margin.
 */
export const devnetParams: DeployParams = {
  ...defaultParams,
  genesis: DEVNET_GENESIS,
  votingDelay: 1n,
  votingPeriod: 30n,
  proposalThreshold: 0n,
  timelockDelay: 5n,
  minProviderStake: parseEther('100'),
  unbondingPeriod: 150n,
  escrowChallengeWindow: 90n,
  channelChallengePeriod: 90n,
  arbitrationWindow: 90n,
  minUnbondingPeriod: 120n,
  minEscrowChallengeWindow: 90n,
  minChannelChallengePeriod: 90n,
  minArbitrationWindow: 90n,
  slashMargin: 90n,
}
