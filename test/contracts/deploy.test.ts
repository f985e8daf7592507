import { expect } from 'chai'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { network } from 'hardhat'
import { CONTRACT_NAMES, EXPECTED_VERSIONS, loadDeployment } from '../../node/chain/deployment-schema.ts'
import { defaultParams, devnetParams } from '../../node/chain/deploy-params.ts'
import { deployAll } from '../../node/chain/deploy.ts'
import type { ContractName, Deployment } from '../../node/chain/deployment-schema.ts'
import { isHiveError } from '../../protocol/errors.ts'
import { bindContract, connectContracts } from '../../node/chain/contracts.ts'
import type { HiveContracts } from '../../node/chain/contracts.ts'
import type { IVersioned } from '../../node/chain/typechain.ts'

const { ethers } = await network.connect()
const root = resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hive-deploy-'))
  dirs.push(d)
  return d
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('scripts/deploy.ts', () => {
  let dir: string
  let first: Deployment
  const logs: string[] = []
  const at = (d: Deployment): HiveContracts => connectContracts(d, ethers.provider)
  const versioned = (d: Deployment, name: ContractName): IVersioned =>
    bindContract<IVersioned>(d.contracts[name].address, d.contracts[name].abi, ethers.provider)

  before(async () => {
    dir = tmp()
    const [deployer] = await ethers.getSigners()
    first = await deployAll({ signer: deployer, params: devnetParams, deploymentsDir: dir, log: (m) => logs.push(m) })
  })

  it('writes deployments/<chainId>.json with addresses, versions, ABIs and blocks', async () => {
    const [deployer] = await ethers.getSigners()
    const file = JSON.parse(readFileSync(join(dir, '31337.json'), 'utf8')) as Deployment
    expect(file).to.deep.equal(first)
    expect(file.chainId).to.equal(31337)
    expect(file.deployer).to.equal(deployer.address)
    expect(Number.isNaN(Date.parse(file.deployedAt))).to.equal(false)
    expect(Object.keys(file.contracts)).to.deep.equal([...CONTRACT_NAMES])
    expect(file.params.channelChallengePeriod).to.equal(String(devnetParams.channelChallengePeriod))
    for (const name of CONTRACT_NAMES) {
      const rec = file.contracts[name]
      expect(await ethers.provider.getCode(rec.address)).to.not.equal('0x')
      expect(rec.version).to.equal(EXPECTED_VERSIONS[name])
      expect(await versioned(file, name).version()).to.equal(rec.version)
      expect(rec.blockNumber).to.be.at.least(file.blockNumber)
      expect(Array.isArray(rec.abi) && rec.abi.length > 0).to.equal(true)
    }
  })

  it('hands every power to the timelock and leaves the deployer none', async () => {
    const [deployer] = await ethers.getSigners()
    const timelock = at(first).timelock
    const tl = first.contracts.TimelockController.address
    const gov = first.contracts.HiveGovernor.address
    const params = at(first).params
    expect(await params.owner()).to.equal(tl)
    expect(await at(first).registry.owner()).to.equal(tl)
    expect(await params.treasury()).to.equal(tl)
    expect(await params.arbiter()).to.equal(tl)
    expect(await params.channelChallengePeriod()).to.equal(devnetParams.channelChallengePeriod)
    type Role = 'DEFAULT_ADMIN_ROLE' | 'PROPOSER_ROLE' | 'EXECUTOR_ROLE' | 'CANCELLER_ROLE'
    const role = async (name: Role): Promise<string> => await timelock[name]()
    for (const r of ['DEFAULT_ADMIN_ROLE', 'PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE'] as const) {
      expect(await timelock.hasRole(await role(r), deployer.address), r).to.equal(false)
    }
    expect(await timelock.hasRole(await role('PROPOSER_ROLE'), gov)).to.equal(true)
    expect(await timelock.hasRole(await role('CANCELLER_ROLE'), gov)).to.equal(true)
    expect(await timelock.hasRole(await role('EXECUTOR_ROLE'), ethers.ZeroAddress)).to.equal(true)
    expect(await timelock.hasRole(await role('DEFAULT_ADMIN_ROLE'), tl)).to.equal(true)
    expect(await timelock.getMinDelay()).to.equal(devnetParams.timelockDelay)
    // the genesis table handed the supply out: the deployer keeps only its faucet row, the treasury its own
    const faucet = devnetParams.genesis.filter((r) => r.to === 'deployer').reduce((a, r) => a + r.amount, 0n)
    const treasury = devnetParams.genesis.filter((r) => r.to === 'treasury').reduce((a, r) => a + r.amount, 0n)
    expect(await at(first).token.balanceOf(deployer.address)).to.equal(faucet)
    expect(await at(first).token.balanceOf(tl)).to.equal(treasury)
    expect(JSON.parse(first.params.genesis) as unknown[]).to.have.length(devnetParams.genesis.length)
    expect(await at(first).governor.timelock()).to.equal(tl)
    expect(await at(first).governor.token()).to.equal(first.contracts.HiveToken.address)
  })

  it('a second run finds everything, says so and sends no transaction', async () => {
    const [deployer] = await ethers.getSigners()
    const block = await ethers.provider.getBlockNumber()
    const again: string[] = []
    const second = await deployAll({
      signer: deployer,
      params: devnetParams,
      deploymentsDir: dir,
      log: (m) => again.push(m),
    })
    expect(second).to.deep.equal(first)
    expect(await ethers.provider.getBlockNumber()).to.equal(block)
    expect(again.filter((m) => m.includes('already deployed'))).to.have.length(CONTRACT_NAMES.length)
    expect(again.at(-1)).to.match(/nothing to do/)
  })

  it('deploys only what is missing, and whatever depends on it', async () => {
    const [deployer] = await ethers.getSigners()
    const d = tmp()
    const broken: Deployment = structuredClone(first)
    broken.contracts.AuditAnchor.address = deployer.address // no code there
    broken.contracts.ProtocolParams.address = first.contracts.AuditAnchor.address // code, wrong version
    writeFileSync(join(d, '31337.json'), JSON.stringify(broken))
    const out: string[] = []
    const fixed = await deployAll({
      signer: deployer,
      params: devnetParams,
      deploymentsDir: d,
      log: (m) => out.push(m),
    })
    const same: ContractName[] = ['HiveToken', 'TimelockController', 'HiveGovernor']
    for (const n of same) expect(fixed.contracts[n].address, n).to.equal(first.contracts[n].address)
    for (const n of ['AuditAnchor', 'ProtocolParams', 'ProviderRegistry', 'JobEscrow', 'PaymentChannel'] as const) {
      expect(fixed.contracts[n].address, n).to.not.equal(first.contracts[n].address)
      expect(await versioned(fixed, n).version()).to.equal(EXPECTED_VERSIONS[n])
    }
    expect(out.some((m) => /ProtocolParams: recorded .* reports version hive-anchor\/2/.test(m))).to.equal(true)
    expect(out.some((m) => /AuditAnchor: recorded .* no contract answers there/.test(m))).to.equal(true)
    expect(await at(fixed).params.owner()).to.equal(first.contracts.TimelockController.address)
    expect(loadDeployment(join(d, '31337.json'))).to.deep.equal(fixed)
  })

  it('fails with a clear error when the artifacts are missing', async () => {
    const [deployer] = await ethers.getSigners()
    const err = await deployAll({ signer: deployer, deploymentsDir: tmp(), artifactsDir: tmp() }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHiveError(err, 'ARTIFACT_MISSING')).to.equal(true)
  })

  it('has production defaults with windows of hours to days, devnet ones of minutes (above 60 s)', () => {
    for (const p of [defaultParams, devnetParams]) {
      const windows = [p.channelChallengePeriod, p.escrowChallengeWindow, p.arbitrationWindow]
      const minimums = [
        p.minChannelChallengePeriod,
        p.minEscrowChallengeWindow,
        p.minArbitrationWindow,
        p.minUnbondingPeriod,
        p.slashMargin,
      ]
      for (const m of minimums) expect(m).to.be.above(60n)
      windows.forEach((w, i) => {
        expect(w).to.be.at.least(minimums[i])
      })
      // stake stays slashable until governance can act on it
      expect(p.unbondingPeriod).to.be.at.least(p.votingDelay + p.votingPeriod + p.timelockDelay + p.slashMargin)
    }
    expect(defaultParams.minChannelChallengePeriod).to.be.at.least(12n * 3600n)
    expect(defaultParams.minEscrowChallengeWindow).to.be.at.least(12n * 3600n)
    expect(defaultParams.timelockDelay).to.be.at.least(86400n)
    expect(devnetParams.channelChallengePeriod).to.be.below(3600n)
  })

  it(
    'CLI over --rpc: deploys with the key from the' + ' environment (never printed), then finds everything',
    async function () {
      this.timeout(60_000)
      const server = await network.createServer('default', '127.0.0.1', 0)
      const { address, port } = await server.listen()
      const out = tmp()
      const key = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' // Hardhat's well-known account 0
      // async spawn: the JSON-RPC server runs in this process and must keep answering
      const run = async (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
        await new Promise((ok) => {
          const child = spawn(
            join(root, 'node_modules/.bin/tsx'),
            [join(root, 'scripts/deploy.ts'), '--devnet', '--rpc', `http://${address}:${port}`, '--out', out],
            { env: { ...process.env, HIVE_DEPLOYER_KEY: key } },
          )
          let stdout = ''
          let stderr = ''
          child.stdout.on('data', (b: Buffer) => {
            stdout += b.toString()
          })
          child.stderr.on('data', (b: Buffer) => {
            stderr += b.toString()
          })
          child.on('exit', (code) => ok({ code, stdout, stderr }))
        })
      try {
        const first = await run()
        expect(first.code, first.stderr).to.equal(0)
        const printed = JSON.parse(first.stdout.trim().split('\n').at(-1) ?? '') as {
          chainId: number
          contracts: Record<string, string>
        }
        const file = loadDeployment(join(out, '31337.json'))
        expect(printed.contracts.PaymentChannel).to.equal(file?.contracts.PaymentChannel.address)
        expect(file?.params.channelChallengePeriod).to.equal(String(devnetParams.channelChallengePeriod))
        const second = await run()
        expect(second.code, second.stderr).to.equal(0)
        expect(second.stderr).to.match(/nothing to do/)
        for (const r of [first, second]) expect(r.stdout + r.stderr).to.not.include(key.slice(2))
      } finally {
        await server.close()
      }
    },
  )

  it('CLI: refuses --rpc without HIVE_DEPLOYER_KEY and unknown arguments', function () {
    this.timeout(30_000)
    const run = (args: string[]) =>
      spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/deploy.ts'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, HIVE_DEPLOYER_KEY: '' },
      })
    const noKey = run(['--rpc', 'http://127.0.0.1:1'])
    expect(noKey.status).to.equal(1)
    expect(noKey.stderr).to.match(/HIVE_DEPLOYER_KEY/)
    const bad = run(['--bogus'])
    expect(bad.status).to.equal(1)
    expect(bad.stderr).to.match(/unknown argument --bogus/)
  })
})
