import { expect } from 'chai'
import { formatTokenAmount, parseTokenAmount } from '../../../cli/parse.ts'

describe('cli/parse: token amounts', () => {
  const E18 = 10n ** 18n
  const cases: Array<[string, bigint]> = [
    ['1000', 1000n * E18],
    ['1.5k', 1500n * E18],
    ['0.25', E18 / 4n],
    ['2m', 2_000_000n * E18],
    ['0.000000000000000001', 1n],
    [' 7 ', 7n * E18],
  ]
  for (const [text, units] of cases) {
    it(`reads ${JSON.stringify(text)} as ${units} base units and prints it back`, () => {
      expect(parseTokenAmount(text)).to.equal(units)
      expect(parseTokenAmount(formatTokenAmount(units))).to.equal(units)
    })
  }

  for (const bad of ['', '-1', '1e3', 'abc', '1.2.3', '0.0000000000000000001', '5x', '1,5']) {
    it(`refuses ${JSON.stringify(bad)} with a message that shows the accepted form`, () => {
      expect(() => parseTokenAmount(bad)).to.throw(/amount|decimal places/)
    })
  }

  it('formats without trailing zeros', () => {
    expect(formatTokenAmount(1500n * 10n ** 15n)).to.equal('1.5')
    expect(formatTokenAmount(0n)).to.equal('0')
    expect(formatTokenAmount(10n ** 18n)).to.equal('1')
  })
})
