// Deploys ComputeHive's contracts, hands every power to the timelock and writes
// deployments/<chainId>.json (addresses, versions, ABIs, deployment block), which is all a node
// needs. Safe to run twice: contracts that exist at the recorded addresses with the expected
// version (and the same dependencies) are reused; only what is missing is deployed.
// Entry point for people: scripts/deploy.ts; `hive devnet`, the tests and benchmarks call deployAll.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ContractFactory, NonceManager, ZeroAddress, ZeroHash, id } from 'ethers'
import type { ContractTransactionResponse, InterfaceAbi, Signer } from 'ethers'
import { UsageError } from '../../protocol/errors.ts'
import { defaultParams } from './deploy-params.ts'
import { checkGenesis } from './genesis.ts'
import type { DeployParams } from './deploy-params.ts'
import { CONTRACT_NAMES, EXPECTED_VERSIONS, loadDeployment } from './deployment-schema.ts'
import type { ContractName, DeployedContract, Deployment } from './deployment-schema.ts'
import { PACKAGE_ROOT } from '../util/package-root.ts'
import { bindContract } from './contracts.ts'
import type { HiveTimelock, HiveToken, IVersioned } from './typechain.ts'

// the package root, whether this runs from the sources or from dist/
const root = PACKAGE_ROOT

// Solidity contract behind each entry (the timelock is OpenZeppelin's, plus version()).
const ARTIFACTS: Record<ContractName, string> = {
  HiveToken: 'HiveToken',
  TimelockController: 'HiveTimelock',
  HiveGovernor: 'HiveGovernor',
  ProtocolParams: 'ProtocolParams',
  ProviderRegistry: 'ProviderRegistry',
  JobEscrow: 'JobEscrow',
  PaymentChannel: 'PaymentChannel',
  AuditAnchor: 'AuditAnchor',
}

// A contract is reused only if everything it was built against is reused too.
const DEPENDS_ON: Record<ContractName, ContractName[]> = {
  HiveToken: [],
  TimelockController: [],
  HiveGovernor: ['HiveToken', 'TimelockController'],
  ProtocolParams: ['TimelockController', 'HiveGovernor'],
  ProviderRegistry: ['HiveToken', 'ProtocolParams', 'TimelockController'],
  JobEscrow: ['ProtocolParams'],
  PaymentChannel: ['ProtocolParams'],
  AuditAnchor: [],
}

export interface DeployOptions {
  signer: Signer
  params?: Partial<DeployParams>
  log?: (msg: string) => void
  /** where <chainId>.json is read and written; default deployments/ */
  deploymentsDir?: string
  /** default artifacts/ (run `npx hardhat build` first) */
  artifactsDir?: string
}

interface Artifact {
  contractName: string
  abi: InterfaceAbi
  bytecode: string
}

function findArtifact(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry)
    if (statSync(p).isDirectory()) {
      const found = findArtifact(p, name)
      if (found != null) return found
    } else if (entry === `${name}.json`) return p
  }
  return undefined
}

function loadArtifact(artifactsDir: string, name: string): Artifact {
  const base = join(artifactsDir, 'contracts')
  const file = existsSync(base) ? findArtifact(base, name) : undefined
  if (file == null)
    throw new UsageError(
      'ARTIFACT_MISSING',
      `no compiled artifact for ${name} in ${base}; run \`npx hardhat build\` first`,
      { name },
    )
  return JSON.parse(readFileSync(file, 'utf8')) as Artifact
}

async function versionAt(signer: Signer, address: string, abi: InterfaceAbi): Promise<string | undefined> {
  const provider = signer.provider
  if (provider == null)
    throw new UsageError('SIGNER_WITHOUT_PROVIDER', 'the deploy signer must be connected to a provider', {})
  if ((await provider.getCode(address)) === '0x') return undefined
  try {
    return await bindContract<IVersioned>(address, abi, provider).version.staticCall()
  } catch {
    return undefined
  }
}

/**
 * Deploys (or completes) a ComputeHive deployment on the signer's chain and writes
 * `<deploymentsDir>/<chainId>.json`. Afterwards the timelock owns ProtocolParams and the
 * registry, is the treasury (unless `treasury` says otherwise) and only the governor may
 * propose to it; the deployer holds no role.
 */
export async function deployAll(opts: DeployOptions): Promise<Deployment> {
  // Count nonces locally: providers cache eth_getTransactionCount for a moment (ethers: 250 ms),
  // so back-to-back transactions over JSON-RPC would otherwise reuse a nonce.
  const signer = new NonceManager(opts.signer)
  const log = opts.log ?? (() => {})
  const p: DeployParams = { ...defaultParams, ...opts.params }
  const artifactsDir = opts.artifactsDir ?? join(root, 'artifacts')
  const dir = opts.deploymentsDir ?? join(root, 'deployments')
  const provider = signer.provider
  if (provider == null)
    throw new UsageError('SIGNER_WITHOUT_PROVIDER', 'the deploy signer must be connected to a provider', {})
  const chainId = Number((await provider.getNetwork()).chainId)
  const deployer = await signer.getAddress()
  // before any transaction: a table that would hand anyone a governance majority is refused
  checkGenesis(p.genesis, p.tokenSupply, { deployer })
  const file = join(dir, `${chainId}.json`)
  const previous = loadDeployment(file)
  const artifacts = Object.fromEntries(
    CONTRACT_NAMES.map((n) => [n, loadArtifact(artifactsDir, ARTIFACTS[n])]),
  ) as Record<ContractName, Artifact>

  // Which recorded contracts are still there, with the right version?
  const present = new Set<ContractName>()
  if (previous != null) {
    for (const name of CONTRACT_NAMES) {
      const rec = previous.contracts[name]
      if (rec == null) continue
      const v = await versionAt(signer, rec.address, artifacts[name].abi)
      if (v === EXPECTED_VERSIONS[name]) present.add(name)
      else
        log(
          `${name}: recorded at ${rec.address} but` +
            ` ${v == null ? 'no contract answers there' : `it reports version ${v}`};` +
            ` redeploying`,
        )
    }
  }
  const reuse = new Set<ContractName>()
  for (const name of CONTRACT_NAMES) {
    // CONTRACT_NAMES lists dependencies first
    if (present.has(name) && DEPENDS_ON[name].every((d) => reuse.has(d))) reuse.add(name)
  }
  // The timelock's roles are wired once, by the deployer, before it renounces its admin role:
  // timelock and governor can only be deployed together.
  if (!reuse.has('TimelockController') || !reuse.has('HiveGovernor')) {
    for (const name of CONTRACT_NAMES)
      if (name === 'TimelockController' || DEPENDS_ON[name].includes('TimelockController') || name === 'HiveGovernor')
        reuse.delete(name)
    for (const name of CONTRACT_NAMES) if (DEPENDS_ON[name].some((d) => !reuse.has(d))) reuse.delete(name)
  }
  for (const name of reuse)
    log(`${name}: already deployed at ${previous?.contracts[name].address} (${EXPECTED_VERSIONS[name]})`)
  if (reuse.size === CONTRACT_NAMES.length && previous != null) {
    log(`nothing to do: chain ${chainId} already has a complete deployment (${file})`)
    return previous
  }

  const contracts = {} as Record<ContractName, DeployedContract>
  for (const name of reuse) if (previous != null) contracts[name] = previous.contracts[name]
  const addr = (name: ContractName): string => contracts[name].address

  async function deploy(name: ContractName, args: unknown[]): Promise<void> {
    if (reuse.has(name)) return
    const a = artifacts[name]
    const c = await new ContractFactory(a.abi, a.bytecode, signer).deploy(...args)
    const receipt = await c.deploymentTransaction()?.wait()
    if (receipt == null || receipt.status !== 1) throw new Error(`deploying ${name} failed`)
    const address = await c.getAddress()
    contracts[name] = {
      address,
      version: EXPECTED_VERSIONS[name],
      blockNumber: receipt.blockNumber,
      contractName: a.contractName,
      abi: a.abi,
    }
    log(`${name}: deployed at ${address} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`)
  }
  async function sent(what: string, tx: Promise<ContractTransactionResponse>): Promise<void> {
    const receipt = await (await tx).wait()
    if (receipt == null || receipt.status !== 1) throw new Error(`${what} failed`)
  }

  // minted to the deployer, which hands it all out by the genesis table below, in this run
  await deploy('HiveToken', [deployer, p.tokenSupply])
  await deploy('TimelockController', [p.timelockDelay, [], [ZeroAddress], deployer])
  await deploy('HiveGovernor', [
    addr('HiveToken'),
    addr('TimelockController'),
    p.votingDelay,
    p.votingPeriod,
    p.proposalThreshold,
    p.quorumPercent,
  ])
  if (!reuse.has('TimelockController')) {
    const timelockRoles = bindContract<HiveTimelock>(
      addr('TimelockController'),
      artifacts.TimelockController.abi,
      signer,
    )
    await sent('TimelockController.grantRole', timelockRoles.grantRole(id('PROPOSER_ROLE'), addr('HiveGovernor')))
    await sent('TimelockController.grantRole', timelockRoles.grantRole(id('CANCELLER_ROLE'), addr('HiveGovernor')))
    await sent('TimelockController.renounceRole', timelockRoles.renounceRole(ZeroHash, deployer))
    log('TimelockController: governor may propose and cancel, anyone may execute; deployer renounced its admin role')
  }
  const timelock = addr('TimelockController')
  await deploy('ProtocolParams', [
    timelock,
    {
      minProviderStake: p.minProviderStake,
      unbondingPeriod: p.unbondingPeriod,
      escrowChallengeWindow: p.escrowChallengeWindow,
      channelChallengePeriod: p.channelChallengePeriod,
      protocolFeeBps: p.protocolFeeBps,
      reporterShareBps: p.reporterShareBps,
      equivocationSlashBps: p.equivocationSlashBps,
      disputeBondBps: p.disputeBondBps,
      arbitrationWindow: p.arbitrationWindow,
      treasury: p.treasury ?? timelock,
      arbiter: p.arbiter ?? timelock,
    },
    {
      unbondingPeriod: p.minUnbondingPeriod,
      escrowChallengeWindow: p.minEscrowChallengeWindow,
      channelChallengePeriod: p.minChannelChallengePeriod,
      arbitrationWindow: p.minArbitrationWindow,
      slashMargin: p.slashMargin,
    },
    addr('HiveGovernor'),
  ])
  await deploy('ProviderRegistry', [addr('HiveToken'), addr('ProtocolParams'), timelock])
  await deploy('JobEscrow', [addr('ProtocolParams')])
  await deploy('PaymentChannel', [addr('ProtocolParams')])
  await deploy('AuditAnchor', [])
  // a reused token was handed out by the run that deployed it
  const genesis = reuse.has('HiveToken') ? undefined : await distribute()

  /** Sends every genesis row from the deployer; a vesting row goes to a new HiveVesting wallet. */
  async function distribute(): Promise<Array<{ name: string; to: string; amount: string; vestingWallet?: string }>> {
    const token = bindContract<HiveToken>(addr('HiveToken'), artifacts.HiveToken.abi, signer)
    const treasury = p.treasury ?? timelock
    const vesting = p.genesis.some((r) => r.vesting !== undefined)
      ? loadArtifact(artifactsDir, 'HiveVesting')
      : undefined
    const out: Array<{ name: string; to: string; amount: string; vestingWallet?: string }> = []
    for (const row of p.genesis) {
      const to = row.to === 'treasury' ? treasury : row.to === 'deployer' ? deployer : row.to
      let recipient = to
      if (row.vesting !== undefined && vesting !== undefined) {
        const now = BigInt((await provider!.getBlock('latest'))?.timestamp ?? Math.floor(Date.now() / 1000))
        const wallet = await new ContractFactory(vesting.abi, vesting.bytecode, signer).deploy(
          to,
          now + (row.vesting.startDelaySeconds ?? 0n),
          row.vesting.durationSeconds,
        )
        await wallet.deploymentTransaction()?.wait()
        recipient = await wallet.getAddress()
      }
      if (recipient !== deployer) {
        const receipt = await (await token.transfer.send(recipient, row.amount)).wait()
        if (receipt == null || receipt.status !== 1) throw new Error(`genesis row ${row.name} failed`)
      }
      log(
        `genesis: ${row.name} ${row.amount} to` +
          ` ${recipient}${recipient !== to ? ` (vesting to ${to} over ${row.vesting?.durationSeconds} s)` : ''}`,
      )
      out.push({
        name: row.name,
        to,
        amount: row.amount.toString(),
        ...(recipient !== to ? { vestingWallet: recipient } : {}),
      })
    }
    return out
  }

  const deployment: Deployment = {
    chainId,
    deployer,
    blockNumber: Math.min(...CONTRACT_NAMES.map((n) => contracts[n].blockNumber)),
    deployedAt: new Date().toISOString(),
    params: {
      ...Object.fromEntries(
        Object.entries(p)
          .filter(([k]) => k !== 'genesis')
          .map(([k, v]) => [k, String(v)]),
      ),
      // what the token's first run handed out (kept from the earlier record when the token was reused)
      genesis: genesis !== undefined ? JSON.stringify(genesis) : (previous?.params.genesis ?? ''),
    },
    contracts: Object.fromEntries(CONTRACT_NAMES.map((n) => [n, contracts[n]])) as Record<
      ContractName,
      DeployedContract
    >,
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n')
  log(`wrote ${file}`)
  return deployment
}
