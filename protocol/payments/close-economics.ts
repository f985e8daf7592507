// Whether answering a channel close is worth its gas. A requester may open many tiny channels,
// pay a few wei into each and close them all: a watchtower that answered every one would spend
// more ETH on gas than the vouchers it defends are worth. Pure: prices and estimates are passed in.

const BPS = 10_000n
const WAD = 10n ** 18n

/** HIVE base units (18 decimals) one ETH buys by default: a devnet placeholder (1 HIVE = 0.001 ETH). */
export const DEFAULT_HIVE_PER_ETH = '1000'

/** What closing with `voucherAmount` pays the provider beyond what the close pays it without (`alreadyPaid`). */
export function closeGain(input: {
  voucherAmount: bigint
  deposit: bigint
  feeBps: bigint
  alreadyPaid?: bigint
}): bigint {
  const gross = input.voucherAmount < input.deposit ? input.voucherAmount : input.deposit
  const payout = gross - (gross * input.feeBps) / BPS
  const gain = payout - (input.alreadyPaid ?? 0n)
  return gain > 0n ? gain : 0n
}

/** The gas cost of a transaction in HIVE base units, at `hivePerEthWad` (HIVE per ETH, 18-decimal fixed point). */
export function gasCostInHive(gas: bigint, feePerGasWei: bigint, hivePerEthWad: bigint): bigint {
  return (gas * feePerGasWei * hivePerEthWad + WAD - 1n) / WAD
}

/** Answer only when the gain strictly exceeds what the answer costs. */
export function worthAnswering(input: {
  gain: bigint
  gas: bigint
  feePerGasWei: bigint
  hivePerEthWad: bigint
}): boolean {
  return input.gain > gasCostInHive(input.gas, input.feePerGasWei, input.hivePerEthWad)
}
