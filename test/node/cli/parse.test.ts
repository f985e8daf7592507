import { expect } from 'chai'
import { InvalidArgumentError } from 'commander'
import {
  parseByteSize,
  parseDuration,
  parseNonNegativeNumber,
  parsePort,
  parsePositiveInt,
  parseRate,
} from '../../../cli/parse.ts'

describe('cli/parse', () => {
  describe('parseByteSize', () => {
    const cases: Array<[string, number]> = [
      ['8GiB', 8 * 1024 ** 3],
      ['512MiB', 512 * 1024 ** 2],
      ['16G', 16 * 1024 ** 3],
      ['16g', 16 * 1024 ** 3],
      ['1.5GiB', 1.5 * 1024 ** 3],
      ['64k', 64 * 1024],
      ['2Ti', 2 * 1024 ** 4],
      ['1GB', 1e9],
      ['500MB', 500e6],
      ['10kB', 10_000],
      ['4096', 4096],
      ['100B', 100],
      [' 8 GiB ', 8 * 1024 ** 3],
      ['0', 0],
    ]
    for (const [text, bytes] of cases) {
      it(`${JSON.stringify(text)} -> ${bytes}`, () => expect(parseByteSize(text)).to.equal(bytes))
    }
    for (const bad of ['', 'GiB', '8XB', '-1GiB', '8 GiBs', '1e3', '8GiB8', '9999999999T']) {
      it(`rejects ${JSON.stringify(bad)} with an example of the right form`, () => {
        expect(() => parseByteSize(bad)).to.throw(InvalidArgumentError, /size|too large/)
      })
    }
  })

  describe('parseDuration', () => {
    const cases: Array<[string, number]> = [
      ['30s', 30_000],
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['500ms', 500],
      ['1h30m', 5_400_000],
      ['1m30s', 90_000],
      ['2d', 172_800_000],
      ['1.5s', 1500],
      ['30', 30_000],
      ['0.25', 250],
    ]
    for (const [text, ms] of cases) {
      it(`${JSON.stringify(text)} -> ${ms}ms`, () => expect(parseDuration(text)).to.equal(ms))
    }
    for (const bad of ['', 's', '5 minutes', '10x', '-5s', '5m junk', '1h 30m']) {
      it(`rejects ${JSON.stringify(bad)}`, () =>
        expect(() => parseDuration(bad)).to.throw(InvalidArgumentError, /duration/))
    }
  })

  it('parses whole numbers, non-negative numbers and ports strictly', () => {
    expect(parsePositiveInt('5')).to.equal(5)
    for (const bad of ['0', '-1', '2.5', 'x', '', '1e3'])
      expect(() => parsePositiveInt(bad), bad).to.throw(InvalidArgumentError)
    expect(parseNonNegativeNumber('250.5')).to.equal(250.5)
    expect(parseNonNegativeNumber('0')).to.equal(0)
    for (const bad of ['-0.1', 'abc', '', 'Infinity'])
      expect(() => parseNonNegativeNumber(bad), bad).to.throw(InvalidArgumentError)
    expect(parsePort('0')).to.equal(0)
    expect(parsePort('65535')).to.equal(65535)
    for (const bad of ['65536', '-1', 'http', '80.5']) expect(() => parsePort(bad), bad).to.throw(InvalidArgumentError)
  })

  it('parses a spot-check rate as a fraction or a percentage, from 0 to 1', () => {
    expect(parseRate('0.05')).to.equal(0.05)
    expect(parseRate('5%')).to.equal(0.05)
    expect(parseRate('0')).to.equal(0)
    expect(parseRate('100%')).to.equal(1)
    for (const bad of ['1.5', '-0.1', '120%', '%', '', 'often', 'NaN'])
      expect(() => parseRate(bad), bad).to.throw(InvalidArgumentError)
  })
})
