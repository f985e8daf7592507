// The node trusts a deployment only when the RPC answers, the chain id has a deployments file,
// and every contract is at its address with the expected version().
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { openChain } from '../../../node/chain/client.ts'
import { connectRpc, loadVerifiedDeployment } from '../../../node/chain/deployments.ts'
import { HiveError } from '../../../protocol/errors.ts'
import { freePort, startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'

async function rejects(p: Promise<unknown>): Promise<HiveError> {
  try {
    await p
  } catch (err) {
    expect(err).to.be.instanceOf(HiveError)
    return err as HiveError
  }
  throw new Error('expected a rejection')
}

describe('node/chain deployments check (Hardhat JSON-RPC)', function () {
  this.timeout(60_000)
  let chain: DevChain
  let scratch: string

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    scratch = mkdtempSync(join(tmpdir(), 'hive-deploy-check-'))
  })
  after(async () => {
    await chain?.stop()
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
  })

  it('accepts the deployment it was written for and connects every contract', async () => {
    const client = await openChain({ settings: chain.settings })
    try {
      expect(client.chainId).to.equal(31337)
      expect(await client.contracts.params.version.staticCall()).to.equal('hive-params/2')
      expect(await client.contracts.registry.getAddress()).to.equal(chain.deployment.contracts.ProviderRegistry.address)
      expect(client.sender).to.equal(undefined)
    } finally {
      client.close()
    }
  })

  it('refuses an unreachable RPC, naming the URL and the fix', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const err = await rejects(openChain({ settings: { ...chain.settings, rpcUrl: url } }))
    expect(err.code).to.equal('RPC_UNREACHABLE')
    expect(err.message)
      .to.include(url)
      .and.to.match(/HIVE_RPC_URL/)
  })

  it('refuses a chain id without a deployments file', async () => {
    const empty = mkdtempSync(join(scratch, 'empty-'))
    const err = await rejects(openChain({ settings: { ...chain.settings, deployments: empty } }))
    expect(err.code).to.equal('DEPLOYMENT_MISSING')
    expect(err.message)
      .to.include('31337')
      .and.to.include(join(empty, '31337.json'))
      .and.to.include('scripts/deploy.ts')
  })

  it('refuses a file written for another chain', async () => {
    const file = join(scratch, 'other.json')
    const d = JSON.parse(readFileSync(join(chain.deploymentsDir, '31337.json'), 'utf8')) as { chainId: number }
    writeFileSync(file, JSON.stringify({ ...d, chainId: 1 }))
    expect((await rejects(openChain({ settings: { ...chain.settings, deployments: file } }))).code).to.equal(
      'DEPLOYMENT_WRONG_CHAIN',
    )
  })

  it('refuses when a contract is missing at its address', async () => {
    const conn = await connectRpc(chain.url)
    const snap = await chain.rpc('evm_snapshot')
    try {
      await chain.rpc('hardhat_setCode', [chain.deployment.contracts.JobEscrow.address, '0x'])
      const err = await rejects(loadVerifiedDeployment(conn, chain.deploymentsDir))
      expect(err.code).to.equal('CONTRACT_MISSING')
      expect(err.message).to.include(
        `no contract at JobEscrow's address ${chain.deployment.contracts.JobEscrow.address}`,
      )
    } finally {
      await chain.rpc('evm_revert', [snap])
      conn.provider.destroy()
    }
  })

  it('refuses a contract that reports another version', async () => {
    const conn = await connectRpc(chain.url)
    const snap = await chain.rpc('evm_snapshot')
    let reverted = false
    try {
      // PaymentChannel's code at the escrow's address: it answers version() with hive-channel/2
      const code = await chain.provider.getCode(chain.deployment.contracts.PaymentChannel.address)
      await chain.rpc('hardhat_setCode', [chain.deployment.contracts.JobEscrow.address, code])
      const err = await rejects(loadVerifiedDeployment(conn, chain.deploymentsDir))
      expect(err.code).to.equal('CONTRACT_WRONG_VERSION')
      expect(err.message).to.match(/JobEscrow at 0x[0-9a-fA-F]{40} is version hive-channel\/2, expected hive-escrow\/3/)
      // and the same deployment is accepted again once the chain is back
      await chain.rpc('evm_revert', [snap])
      reverted = true
      await loadVerifiedDeployment(conn, chain.deploymentsDir)
    } finally {
      // a failed check above must not leave the swapped code for the next test
      if (!reverted) await chain.rpc('evm_revert', [snap])
      conn.provider.destroy()
    }
  })

  it('reads a deployments file given directly', async () => {
    const file = join(scratch, 'copy.json')
    copyFileSync(join(chain.deploymentsDir, '31337.json'), file)
    const conn = await connectRpc(chain.url)
    try {
      expect((await loadVerifiedDeployment(conn, file)).chainId).to.equal(31337)
    } finally {
      conn.provider.destroy()
    }
  })
})
