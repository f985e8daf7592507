import { expect } from 'chai'
import fc from 'fast-check'
import { formatAmount, MAX_UINT256, parseAmount, parsePositiveAmount } from '../../../protocol/market/amounts.ts'
import { expectMarketError } from './fixtures.ts'

describe('protocol/market amounts', () => {
  const good: Array<[string, bigint]> = [
    ['0', 0n],
    ['1', 1n],
    ['1000000000000000000', 10n ** 18n],
    [MAX_UINT256.toString(), MAX_UINT256],
  ]
  for (const [text, value] of good) {
    it(`parses ${text.slice(0, 20)}`, () => {
      expect(parseAmount(text, 'x')).to.equal(value)
      expect(formatAmount(value)).to.equal(text)
    })
  }

  const bad = [
    '',
    '-1',
    '+1',
    '01',
    '00',
    '1.0',
    '1e18',
    ' 1',
    '1 ',
    '0x10',
    '١٢',
    'NaN',
    (MAX_UINT256 + 1n).toString(),
    '9'.repeat(79),
    '1'.repeat(10_000),
  ]
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}${text.length > 20 ? '…' : ''} as INVALID_AMOUNT`, async () => {
      await expectMarketError(() => parseAmount(text, 'price'), 'INVALID_AMOUNT', 'REJECT')
    })
  }

  it('requires prices to be positive', async () => {
    await expectMarketError(() => parsePositiveAmount('0', 'price'), 'INVALID_AMOUNT', 'REJECT')
    expect(parsePositiveAmount('1', 'price')).to.equal(1n)
  })

  it('refuses to format what the wire cannot carry', () => {
    expect(() => formatAmount(-1n)).to.throw(RangeError)
    expect(() => formatAmount(MAX_UINT256 + 1n)).to.throw(RangeError)
  })

  it('property: every uint256 round-trips through its wire form', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: MAX_UINT256 }), (v) => parseAmount(formatAmount(v), 'x') === v))
  })
})
