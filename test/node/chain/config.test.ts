// The chain's config keys (node/config.ts): defaults, environment names, and clear refusals.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfig } from '../../../node/config.ts'
import { chainSettings } from '../../../node/chain/service.ts'
import { UsageError } from '../../../protocol/errors.ts'

describe('node/chain config keys', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-chain-config-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('defaults to no chain, a 200 gwei cap and one confirmation', () => {
    expect(chainSettings(loadConfig({ dataDir: dir }))).to.deep.equal({
      rpcUrl: '',
      deployments: '',
      maxFeeGwei: 200,
      confirmations: 1,
    })
  })

  it('reads HIVE_RPC_URL, HIVE_DEPLOYMENTS, HIVE_MAX_FEE_GWEI, HIVE_CONFIRMATIONS; flags win', () => {
    const env = {
      HIVE_RPC_URL: 'http://127.0.0.1:8545',
      HIVE_DEPLOYMENTS: '/tmp/d',
      HIVE_MAX_FEE_GWEI: '35.5',
      HIVE_CONFIRMATIONS: '3',
    }
    expect(chainSettings(loadConfig({ dataDir: dir, env }))).to.deep.equal({
      rpcUrl: 'http://127.0.0.1:8545',
      deployments: '/tmp/d',
      maxFeeGwei: 35.5,
      confirmations: 3,
    })
    expect(loadConfig({ dataDir: dir, env, flags: { rpcUrl: 'ws://localhost:8546' } }).rpcUrl).to.equal(
      'ws://localhost:8546',
    )
  })

  it('refuses bad values naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { HIVE_RPC_URL: 'localhost:8545' },
        /HIVE_RPC_URL = "localhost:8545" is invalid: expected an http\(s\):\/\/ or ws\(s\):\/\/ JSON-RPC URL/,
      ],
      [{ HIVE_MAX_FEE_GWEI: '0' }, /HIVE_MAX_FEE_GWEI = "0" is invalid: expected a fee cap in gwei greater than 0/],
      [{ HIVE_CONFIRMATIONS: '0' }, /HIVE_CONFIRMATIONS = "0" is invalid/],
    ]
    for (const [env, message] of cases) {
      expect(() => loadConfig({ dataDir: dir, env })).to.throw(UsageError, message)
    }
  })

  it('has no passphrase key: it comes only from HIVE_PASSPHRASE or a prompt', () => {
    expect(Object.keys(loadConfig({ dataDir: dir, env: { HIVE_PASSPHRASE: 'x' } }))).to.not.include('passphrase')
  })
})
