// When a watchtower answer is worth its gas: table of cases.
import { expect } from 'chai'
import { parseEther, parseUnits } from 'ethers'
import { closeGain, gasCostInHive, worthAnswering } from '../../../protocol/payments/close-economics.ts'

describe('protocol/payments close economics', () => {
  it('the gain is the voucher capped by the deposit, less the fee and what the close already pays', () => {
    const cases: Array<[Parameters<typeof closeGain>[0], bigint]> = [
      [{ voucherAmount: 100n, deposit: 1_000n, feeBps: 0n }, 100n],
      [{ voucherAmount: 5_000n, deposit: 1_000n, feeBps: 0n }, 1_000n],
      [{ voucherAmount: 1_000n, deposit: 1_000n, feeBps: 100n }, 990n],
      [{ voucherAmount: 1_000n, deposit: 1_000n, feeBps: 0n, alreadyPaid: 400n }, 600n],
      [{ voucherAmount: 100n, deposit: 1_000n, feeBps: 0n, alreadyPaid: 400n }, 0n],
    ]
    const show = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? String(x) : x))
    for (const [input, expected] of cases) expect(closeGain(input), show(input)).to.equal(expected)
  })

  it('prices gas in HIVE and answers only when the gain strictly exceeds it', () => {
    const hivePerEthWad = parseUnits('1000', 18)
    // 100k gas at 1 gwei = 1e14 wei = 0.0001 ETH = 0.1 HIVE at 1000 HIVE/ETH
    expect(gasCostInHive(100_000n, parseUnits('1', 'gwei'), hivePerEthWad)).to.equal(parseEther('0.1'))
    const at = { gas: 100_000n, feePerGasWei: parseUnits('1', 'gwei'), hivePerEthWad }
    expect(worthAnswering({ ...at, gain: parseEther('0.1') })).to.equal(false)
    expect(worthAnswering({ ...at, gain: parseEther('0.1') + 1n })).to.equal(true)
    expect(worthAnswering({ ...at, gain: 1_000n })).to.equal(false)
    // fractional prices round the cost up, never down
    expect(gasCostInHive(1n, 1n, parseUnits('0.5', 18))).to.equal(1n)
  })
})
