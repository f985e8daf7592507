// Staking actions shared by `hive stake …` and tests: deposit (approve + stake under the node's
// peer id), unbond, withdraw, and a status read. Each checks what the contract would refuse
// first, so the user gets the reason in words instead of a revert.
import { existsSync } from 'node:fs'
import { getAddress, hexlify } from 'ethers'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadPeerKey, peerKeyPath } from '../p2p/identity.ts'
import { UsageError } from '../../protocol/errors.ts'
import { formatHive } from './units.ts'
import { peerIdBytes } from './binding.ts'
import { requireSender } from './client.ts'
import type { ChainClient } from './client.ts'
import { ChainError } from './errors.ts'
import type { SentTx } from './tx.ts'
import type { PeerId } from '@libp2p/interface'

const STATUS = ['none', 'active', 'inactive', 'slashed'] as const
export type ProviderStatusName = (typeof STATUS)[number]

export interface StakeInfo {
  address: string
  status: ProviderStatusName
  bonded: bigint
  unbonding: bigint
  /** unix seconds (0: nothing unbonding) */
  unbondingEndsAt: number
  slashed: boolean
  /** hex of the bound peer id bytes ('0x' when none) */
  peerId: string
  minStake: bigint
  /** seconds */
  unbondingPeriod: bigint
  /** the chain's current time (unix seconds) */
  now: number
}

const hive = formatHive

/**
 * The peer id a node's stake is bound to: the node's own, from its data directory. Read here, by
 * the node's own key loader, so that no command handles the key file itself.
 */
export async function nodeStakePeerId(dataDir: string): Promise<PeerId> {
  if (!existsSync(peerKeyPath(dataDir))) {
    throw new UsageError(
      'NOT_INITIALISED',
      `${dataDir} has no peer key: run \`hive init --data-dir ${dataDir}\` ` +
        `first (stake is bound to the node's peer id)`,
      { dataDir },
    )
  }
  return peerIdFromPrivateKey(await loadPeerKey(dataDir))
}

export async function readStake(client: ChainClient, address: string): Promise<StakeInfo> {
  const { registry, params } = client.contracts
  const [info, status, minStake, unbondingPeriod, block] = await Promise.all([
    registry.providerInfo.staticCall(address),
    registry.statusOf.staticCall(address),
    params.minProviderStake.staticCall(),
    params.unbondingPeriod.staticCall(),
    client.provider.getBlock('latest'),
  ])
  return {
    address: getAddress(address),
    status: STATUS[Number(status)] ?? 'none',
    bonded: info.bonded,
    unbonding: info.unbonding,
    unbondingEndsAt: Number(info.unbondingEndsAt),
    slashed: info.slashed,
    peerId: info.peerId,
    minStake,
    unbondingPeriod,
    now: block?.timestamp ?? Math.floor(Date.now() / 1000),
  }
}

export interface DepositResult {
  approve?: SentTx
  stake: SentTx
  bonded: bigint
}

/** Approves the registry (if needed) and stakes `amount` under `peerId`. */
export async function depositStake(
  client: ChainClient,
  peerId: PeerId,
  amount: bigint,
  onStep?: (step: string) => void,
): Promise<DepositResult> {
  const sender = requireSender(client)
  const { token, registry } = client.contracts
  const me = sender.address
  const before = await readStake(client, me)
  const mine = hexlify(peerIdBytes(peerId))
  if (amount <= 0n) throw new ChainError('ZERO_AMOUNT', 'stake a positive amount', {})
  if (before.slashed)
    throw new ChainError('PROVIDER_SLASHED', `${me} was slashed; a slashed provider cannot stake again`, {
      address: me,
    })
  if (before.peerId !== '0x' && before.peerId.toLowerCase() !== mine.toLowerCase()) {
    throw new ChainError(
      'PEER_ID_MISMATCH',
      `${me} is bound to another peer id (${before.peerId}), not this node's; ` +
        `stake from that node, or withdraw everything first`,
      { address: me },
    )
  }
  if (before.bonded + amount < before.minStake) {
    throw new ChainError(
      'BELOW_MINIMUM_STAKE',
      `the bond would be ${hive(before.bonded + amount)}, below the minimum ` +
        `stake of ${hive(before.minStake)}: deposit at least ` +
        `${hive(before.minStake - before.bonded)}`,
      { bonded: before.bonded, minStake: before.minStake },
    )
  }
  const balance = await token.balanceOf.staticCall(me)
  if (balance < amount)
    throw new ChainError('INSUFFICIENT_HIVE', `${me} holds ${hive(balance)}, less than the ${hive(amount)} to stake`, {
      balance,
      amount,
    })
  const registryAddress = await registry.getAddress()
  const allowance = await token.allowance.staticCall(me, registryAddress)
  let approve: SentTx | undefined
  if (allowance < amount) {
    onStep?.(`approving the registry to take ${hive(amount)} …`)
    approve = await sender.call(token, 'approve', [registryAddress, amount], { label: 'approve' })
  }
  onStep?.(`staking ${hive(amount)} under this node's peer id …`)
  const stake = await sender.call(registry, 'stake', [amount, before.peerId === '0x' ? mine : '0x'], { label: 'stake' })
  return { ...(approve !== undefined ? { approve } : {}), stake, bonded: before.bonded + amount }
}

export type WithdrawOutcome =
  | { action: 'withdrawn'; amount: bigint; tx: SentTx }
  | { action: 'unbonding'; amount: bigint; endsAt: number; tx: SentTx }

/**
 * One step toward getting the stake back: withdraws what has finished unbonding, otherwise
 * starts unbonding `amount` (default: everything bonded). Refuses (STILL_UNBONDING) while an
 * earlier unbonding runs and nothing more is to be unbonded.
 */
export async function withdrawStep(client: ChainClient, amount?: bigint): Promise<WithdrawOutcome> {
  const sender = requireSender(client)
  const s = await readStake(client, sender.address)
  if (s.unbonding > 0n && s.now >= s.unbondingEndsAt && amount === undefined) {
    const tx = await sender.call(client.contracts.registry, 'withdraw', [], { label: 'withdraw' })
    return { action: 'withdrawn', amount: s.unbonding, tx }
  }
  const toUnbond = amount ?? s.bonded
  if (toUnbond === 0n) {
    if (s.unbonding > 0n) {
      throw new ChainError(
        'STILL_UNBONDING',
        `${hive(s.unbonding)} is unbonding until ` +
          `${new Date(s.unbondingEndsAt * 1000).toISOString()} ` +
          `(${s.unbondingEndsAt - s.now} s from now by the chain's clock); run ` +
          `\`hive stake withdraw\` again after that`,
        { unbonding: s.unbonding, unbondingEndsAt: s.unbondingEndsAt, now: s.now },
      )
    }
    throw new ChainError('NOTHING_STAKED', `${sender.address} has nothing staked or unbonding`, {
      address: sender.address,
    })
  }
  if (toUnbond > s.bonded)
    throw new ChainError('INSUFFICIENT_BOND', `only ${hive(s.bonded)} is bonded; cannot unbond ${hive(toUnbond)}`, {
      bonded: s.bonded,
      amount: toUnbond,
    })
  const tx = await sender.call(client.contracts.registry, 'requestUnbond', [toUnbond], { label: 'requestUnbond' })
  const after = await readStake(client, sender.address)
  return { action: 'unbonding', amount: toUnbond, endsAt: after.unbondingEndsAt, tx }
}
