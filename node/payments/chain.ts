// The slice of node/chain that payments use: read-only contracts, the account's wallet (it signs
// vouchers, permits, releases and commitments) and its one transaction sender (one nonce
// manager per account: payments never send any other way). A ChainClient opened with a wallet
// (node/chain/client.ts) is one.
import { getAddress } from 'ethers'
import type { Contract, EventLog, JsonRpcProvider, Log, TransactionReceipt, Wallet } from 'ethers'
import type { ChannelView } from '../../protocol/payments/channel-rules.ts'
import type { HiveContracts } from '../chain/contracts.ts'

export interface PaymentsSender {
  readonly address: string
  call(
    contract: Contract,
    method: string,
    args: unknown[],
    opts?: { label?: string; signal?: AbortSignal },
  ): Promise<{ hash: string; receipt: TransactionReceipt }>
  /** what it sent since start (earnings' gas line); TxSender keeps it */
  readonly stats?: { mined: number; failed: number; gasUsed: bigint; feesWei: bigint }
}

export interface PaymentsChain {
  readonly chainId: number
  readonly provider: JsonRpcProvider
  readonly contracts: Pick<HiveContracts, 'token' | 'escrow' | 'channel' | 'registry'>
  /** the verified deployment (addresses known without a call) */
  readonly deployment: { contracts: { PaymentChannel: { address: string }; HiveToken: { address: string } } }
  readonly wallet?: Wallet
  readonly sender?: PaymentsSender
}

const STATUS: Record<number, ChannelView['status'] | undefined> = { 1: 'open', 2: 'closing', 3: 'closed' }

/** The contract's record of a channel, or undefined when there is none. */
export async function readChannel(
  chain: PaymentsChain,
  channelId: string,
): Promise<(ChannelView & { closesAt: bigint }) | undefined> {
  const c = await chain.contracts.channel.channel.staticCall(channelId)
  const status = STATUS[Number(c.status)]
  if (status === undefined) return undefined
  return {
    chainId: BigInt(chain.chainId),
    contract: getAddress(await chain.contracts.channel.getAddress()),
    channelId,
    requester: getAddress(c.requester),
    provider: getAddress(c.provider),
    token: getAddress(c.token),
    deposit: c.deposit,
    expiry: c.expiry,
    challengePeriod: c.challengePeriod,
    feeBps: c.feeBps,
    status,
    closesAt: c.closesAt,
  }
}

/** The first log of `event` emitted by `contract` in `receipt`, decoded. */
export function findEvent(
  contract: Contract,
  receipt: TransactionReceipt,
  event: string,
): EventLog | (Log & { args: Record<string, unknown> }) {
  for (const log of receipt.logs) {
    try {
      const parsed = contract.interface.parseLog(log)
      if (parsed?.name === event) return Object.assign(log, { args: parsed.args as unknown as Record<string, unknown> })
    } catch {
      /* another contract's log */
    }
  }
  throw new Error(`transaction ${receipt.hash} emitted no ${event}`)
}
