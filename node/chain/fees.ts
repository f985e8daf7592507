// EIP-1559 fees from the node's fee history, under the user's cap. Pure arithmetic apart from
// the one eth_feeHistory call, so the rules are easy to read and test.
import { formatUnits, parseUnits } from 'ethers'
import type { JsonRpcProvider } from 'ethers'
import { TxError } from './errors.ts'

export interface FeeQuote {
  /** base fee of the next block */
  baseFeePerGas: bigint
  maxPriorityFeePerGas: bigint
  maxFeePerGas: bigint
}

export interface FeePolicy {
  /** never offer more than this per gas (wei) */
  maxFeePerGas: bigint
  /** tip floor (wei); default 1 gwei. Idle chains report zero tips, which miners may ignore */
  minPriorityFeePerGas?: bigint
  /** blocks of history to read (default 10) */
  blocks?: number
}

export const DEFAULT_MIN_PRIORITY_FEE = parseUnits('1', 'gwei')
/** A replacement must outbid the pending transaction by 10% (geth) — we use 12.5% to be safe everywhere. */
export const BUMP_NUMERATOR = 1125n
export const BUMP_DENOMINATOR = 1000n

export const gwei = (wei: bigint): string => formatUnits(wei, 'gwei')

function median(values: bigint[]): bigint {
  if (values.length === 0) return 0n
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return sorted[Math.floor(sorted.length / 2)]
}

interface FeeHistory {
  baseFeePerGas: string[]
  reward?: string[][]
}

/** Reads eth_feeHistory and proposes fees: tip = median of recent median tips, max fee = 2 × base + tip, capped. */
export async function quoteFees(provider: JsonRpcProvider, policy: FeePolicy): Promise<FeeQuote> {
  const blocks = policy.blocks ?? 10
  const history = (await provider.send('eth_feeHistory', ['0x' + blocks.toString(16), 'latest', [50]])) as FeeHistory
  const base = BigInt(history.baseFeePerGas[history.baseFeePerGas.length - 1] ?? '0x0')
  const tips = (history.reward ?? []).map((r) => BigInt(r[0] ?? '0x0'))
  const floor = policy.minPriorityFeePerGas ?? DEFAULT_MIN_PRIORITY_FEE
  const tip = median(tips) > floor ? median(tips) : floor
  return capFees({ baseFeePerGas: base, maxPriorityFeePerGas: tip, maxFeePerGas: 2n * base + tip }, policy.maxFeePerGas)
}

/**
 * Clamps a quote to the cap. Refuses (TxError FEE_ABOVE_CAP) when even base fee + tip exceeds
 * it: such a transaction could not be mined in the next block, and waiting for fees to fall
 * is the user's decision, not ours.
 */
export function capFees(q: FeeQuote, cap: bigint): FeeQuote {
  if (q.baseFeePerGas + q.maxPriorityFeePerGas > cap) {
    throw new TxError(
      'FEE_ABOVE_CAP',
      `the network's base fee is ${gwei(q.baseFeePerGas)} gwei (+ ${gwei(q.maxPriorityFeePerGas)} gwei` +
        ` tip), above your cap of ${gwei(cap)} gwei: nothing was sent. Wait for fees to fall, or raise` +
        ` maxFeeGwei (HIVE_MAX_FEE_GWEI)`,
      { baseFeeGwei: gwei(q.baseFeePerGas), tipGwei: gwei(q.maxPriorityFeePerGas), capGwei: gwei(cap) },
    )
  }
  return { ...q, maxFeePerGas: q.maxFeePerGas > cap ? cap : q.maxFeePerGas }
}

/** Fees for a replacement: at least 12.5% above the pending ones (rounded up), and no lower than a fresh quote. */
export function bumpFees(previous: FeeQuote, fresh: FeeQuote): FeeQuote {
  const up = (v: bigint): bigint => (v * BUMP_NUMERATOR + BUMP_DENOMINATOR - 1n) / BUMP_DENOMINATOR + 1n
  const tip =
    up(previous.maxPriorityFeePerGas) > fresh.maxPriorityFeePerGas
      ? up(previous.maxPriorityFeePerGas)
      : fresh.maxPriorityFeePerGas
  let max = up(previous.maxFeePerGas) > fresh.maxFeePerGas ? up(previous.maxFeePerGas) : fresh.maxFeePerGas
  if (max < fresh.baseFeePerGas + tip) max = fresh.baseFeePerGas + tip
  return { baseFeePerGas: fresh.baseFeePerGas, maxPriorityFeePerGas: tip, maxFeePerGas: max }
}
