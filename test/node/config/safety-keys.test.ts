// The settings issue 11 added: the watchtower's HIVE/ETH price and whether providers dial
// private requester addresses.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfig } from '../../../node/config.ts'

describe('node/config: hivePerEth and allowPrivateAddrs', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-config-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('defaults to the devnet price placeholder and to refusing private requester addresses', () => {
    const c = loadConfig({ dataDir: dir })
    expect(c.hivePerEth).to.equal('1000')
    expect(c.allowPrivateAddrs).to.equal(false)
  })

  it('reads both from the environment and flags', () => {
    const c = loadConfig({ dataDir: dir, env: { HIVE_HIVE_PER_ETH: '2500.5', HIVE_ALLOW_PRIVATE_ADDRS: 'true' } })
    expect(c.hivePerEth).to.equal('2500.5')
    expect(c.allowPrivateAddrs).to.equal(true)
    expect(loadConfig({ dataDir: dir, flags: { hivePerEth: 40 } }).hivePerEth).to.equal('40')
  })

  const bad: Array<[string, string]> = [
    ['0', 'zero'],
    ['-1', 'negative'],
    ['1e3', 'exponent'],
    ['abc', 'text'],
  ]
  for (const [value, what] of bad) {
    it(`refuses a ${what} price (${value})`, () => {
      expect(() => loadConfig({ dataDir: dir, env: { HIVE_HIVE_PER_ETH: value } })).to.throw(
        /HIVE_HIVE_PER_ETH .*decimal price above 0/,
      )
    })
  }
})

describe('node/config: maxOutputBytes', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-config-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('defaults to 64 MiB, reads the environment, and refuses more than the protocol allows', () => {
    expect(loadConfig({ dataDir: dir }).maxOutputBytes).to.equal(64 * 1024 * 1024)
    expect(loadConfig({ dataDir: dir, env: { HIVE_MAX_OUTPUT_BYTES: '1048576' } }).maxOutputBytes).to.equal(1024 * 1024)
    expect(() => loadConfig({ dataDir: dir, env: { HIVE_MAX_OUTPUT_BYTES: String(2 ** 40) } })).to.throw(
      /HIVE_MAX_OUTPUT_BYTES .*whole number/,
    )
  })
})

describe('node/config: spotCheckRate', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-config-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('defaults to no spot checks, reads the environment, and refuses a rate outside 0..1', () => {
    expect(loadConfig({ dataDir: dir }).spotCheckRate).to.equal(0)
    expect(loadConfig({ dataDir: dir, env: { HIVE_SPOT_CHECK_RATE: '0.05' } }).spotCheckRate).to.equal(0.05)
    for (const bad of ['1.5', '-1', 'often']) {
      expect(() => loadConfig({ dataDir: dir, env: { HIVE_SPOT_CHECK_RATE: bad } }), bad).to.throw(
        /HIVE_SPOT_CHECK_RATE .*from 0 to 1/,
      )
    }
  })
})
