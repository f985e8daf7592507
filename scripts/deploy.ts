// Deploys ComputeHive's contracts, hands every power to the timelock and writes
// deployments/<chainId>.json (addresses, versions, ABIs, deployment block), which is all a node
// needs. Safe to run twice: contracts that exist at the recorded addresses with the expected
// version (and the same dependencies) are reused; only what is missing is deployed.
//
//   npx tsx scripts/deploy.ts [--rpc <url>] [--devnet] [--out <dir>]
//
// With --rpc the deployer key comes from the environment (HIVE_DEPLOYER_KEY); without it the
// in-process Hardhat network and its first account are used.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Contract, ContractFactory, NonceManager, ZeroAddress, ZeroHash, id, parseEther } from 'ethers'
import type { InterfaceAbi, Signer } from 'ethers'
import { UsageError } from '../protocol/errors.ts'

const root = resolve(import.meta.dirname, '..')

/** All durations in seconds, token amounts in wei (HIVE has 18 decimals). */
export interface DeployParams {
  tokenSupply: bigint
  /** receives the whole HIVE supply; default: the deployer, who distributes it */
  tokenHolder?: string
  votingDelay: bigint
  votingPeriod: bigint
  proposalThreshold: bigint
  quorumPercent: bigint
  timelockDelay: bigint
  minProviderStake: bigint
  unbondingPeriod: bigint
  escrowChallengeWindow: bigint
  channelChallengePeriod: bigint
  protocolFeeBps: bigint
  reporterShareBps: bigint
  equivocationSlashBps: bigint
  /** bond a requester pays to dispute an escrow, in bps of the deposit (rounded up) */
  disputeBondBps: bigint
  /** how long the arbiter has to rule on a dispute before the provider may claim */
  arbitrationWindow: bigint
  /**
   * Constructor minimums of ProtocolParams: no governance action can go below them, and each must
   * exceed 60 s. The unbonding period must also exceed votingDelay + votingPeriod + timelockDelay
   * + slashMargin, so that stake stays slashable until a slash proposal can execute.
   */
  minUnbondingPeriod: bigint
  minEscrowChallengeWindow: bigint
  minChannelChallengePeriod: bigint
  minArbitrationWindow: bigint
  slashMargin: bigint
  /** default: the timelock */
  treasury?: string
  /** default: the timelock (disputes then go through governance until one is chosen) */
  arbiter?: string
}

const HOUR = 3600n
const DAY = 24n * HOUR

/**
 * Production defaults: windows of hours to days, as in Filecoin, nitro, Raiden, Lightning. The
 * minimums follow Filecoin's 12 h and stay far above Raiden's 500 blocks (~100 min); governance
 * needs 1 + 7 + 2 days to act, so unbonding (14 days) leaves a day of margin beyond that.
 */
export const defaultParams: DeployParams = {
  tokenSupply: parseEther('1000000000'),
  votingDelay: DAY,
  votingPeriod: 7n * DAY,
  proposalThreshold: parseEther('100000'),
  quorumPercent: 4n,
  timelockDelay: 2n * DAY,
  minProviderStake: parseEther('1000'),
  unbondingPeriod: 14n * DAY,
  escrowChallengeWindow: DAY,
  channelChallengePeriod: DAY,
  protocolFeeBps: 50n,
  reporterShareBps: 2000n,
  equivocationSlashBps: 10_000n,
  disputeBondBps: 1000n,
  arbitrationWindow: 7n * DAY,
  minUnbondingPeriod: 7n * DAY,
  minEscrowChallengeWindow: 12n * HOUR,
  minChannelChallengePeriod: 12n * HOUR,
  minArbitrationWindow: 3n * DAY,
  slashMargin: DAY,
}

/**
 * Short windows (seconds) for the local devnet, demos and tests. Never for real value. Still above
 * 60 s: a node's RPC endpoint may be down for a minute inside a challenge window. Governance needs
 * 1 + 30 + 5 = 36 s to act; unbonding (150 s) exceeds that plus the 90 s margin.
 */
export const devnetParams: DeployParams = {
  ...defaultParams,
  votingDelay: 1n,
  votingPeriod: 30n,
  proposalThreshold: 0n,
  timelockDelay: 5n,
  minProviderStake: parseEther('100'),
  unbondingPeriod: 150n,
  escrowChallengeWindow: 90n,
  channelChallengePeriod: 90n,
  arbitrationWindow: 90n,
  minUnbondingPeriod: 120n,
  minEscrowChallengeWindow: 90n,
  minChannelChallengePeriod: 90n,
  minArbitrationWindow: 90n,
  slashMargin: 90n,
}

export const CONTRACT_NAMES = ['HiveToken', 'TimelockController', 'HiveGovernor', 'ProtocolParams',
  'ProviderRegistry', 'JobEscrow', 'PaymentChannel', 'AuditAnchor'] as const
export type ContractName = typeof CONTRACT_NAMES[number]

/** The `version()` each contract must report; a node refuses a deployment that differs. */
export const EXPECTED_VERSIONS: Record<ContractName, string> = {
  HiveToken: 'hive-token/1',
  TimelockController: 'hive-timelock/1',
  HiveGovernor: 'hive-governor/1',
  ProtocolParams: 'hive-params/2',
  ProviderRegistry: 'hive-registry/1',
  JobEscrow: 'hive-escrow/2',
  PaymentChannel: 'hive-channel/2',
  AuditAnchor: 'hive-anchor/1',
}

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

export interface DeployedContract {
  address: string
  version: string
  /** block of the deployment transaction: where to start reading this contract's events */
  blockNumber: number
  /** Solidity contract name of the artifact */
  contractName: string
  abi: InterfaceAbi
}

export interface Deployment {
  chainId: number
  deployer: string
  /** earliest deployment block of the contracts below */
  blockNumber: number
  /** ISO time of the last run that deployed something */
  deployedAt: string
  /** the DeployParams of the last run that deployed something, as decimal strings */
  params: Record<string, string>
  contracts: Record<ContractName, DeployedContract>
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

interface Artifact { contractName: string, abi: InterfaceAbi, bytecode: string }

function findArtifact (dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry)
    if (statSync(p).isDirectory()) {
      const found = findArtifact(p, name)
      if (found != null) return found
    } else if (entry === `${name}.json`) return p
  }
  return undefined
}

function loadArtifact (artifactsDir: string, name: string): Artifact {
  const base = join(artifactsDir, 'contracts')
  const file = existsSync(base) ? findArtifact(base, name) : undefined
  if (file == null) throw new UsageError('ARTIFACT_MISSING', `no compiled artifact for ${name} in ${base}; run \`npx hardhat build\` first`, { name })
  return JSON.parse(readFileSync(file, 'utf8')) as Artifact
}

/** Reads a deployments file, or undefined if there is none. */
export function loadDeployment (file: string): Deployment | undefined {
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as Deployment
}

async function versionAt (signer: Signer, address: string, abi: InterfaceAbi): Promise<string | undefined> {
  const provider = signer.provider
  if (provider == null) throw new UsageError('SIGNER_WITHOUT_PROVIDER', 'the deploy signer must be connected to a provider', {})
  if ((await provider.getCode(address)) === '0x') return undefined
  try {
    return await new Contract(address, abi, provider).getFunction('version').staticCall() as string
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
export async function deployAll (opts: DeployOptions): Promise<Deployment> {
  // Count nonces locally: providers cache eth_getTransactionCount for a moment (ethers: 250 ms),
  // so back-to-back transactions over JSON-RPC would otherwise reuse a nonce.
  const signer = new NonceManager(opts.signer)
  const log = opts.log ?? (() => {})
  const p: DeployParams = { ...defaultParams, ...opts.params }
  const artifactsDir = opts.artifactsDir ?? join(root, 'artifacts')
  const dir = opts.deploymentsDir ?? join(root, 'deployments')
  const provider = signer.provider
  if (provider == null) throw new UsageError('SIGNER_WITHOUT_PROVIDER', 'the deploy signer must be connected to a provider', {})
  const chainId = Number((await provider.getNetwork()).chainId)
  const deployer = await signer.getAddress()
  const file = join(dir, `${chainId}.json`)
  const previous = loadDeployment(file)
  const artifacts = Object.fromEntries(CONTRACT_NAMES.map((n) => [n, loadArtifact(artifactsDir, ARTIFACTS[n])])) as Record<ContractName, Artifact>

  // Which recorded contracts are still there, with the right version?
  const present = new Set<ContractName>()
  if (previous != null) {
    for (const name of CONTRACT_NAMES) {
      const rec = previous.contracts[name]
      if (rec == null) continue
      const v = await versionAt(signer, rec.address, artifacts[name].abi)
      if (v === EXPECTED_VERSIONS[name]) present.add(name)
      else log(`${name}: recorded at ${rec.address} but ${v == null ? 'no contract answers there' : `it reports version ${v}`}; redeploying`)
    }
  }
  const reuse = new Set<ContractName>()
  for (const name of CONTRACT_NAMES) { // CONTRACT_NAMES lists dependencies first
    if (present.has(name) && DEPENDS_ON[name].every((d) => reuse.has(d))) reuse.add(name)
  }
  // The timelock's roles are wired once, by the deployer, before it renounces its admin role:
  // timelock and governor can only be deployed together.
  if (!reuse.has('TimelockController') || !reuse.has('HiveGovernor')) {
    for (const name of CONTRACT_NAMES) if (name === 'TimelockController' || DEPENDS_ON[name].includes('TimelockController') || name === 'HiveGovernor') reuse.delete(name)
    for (const name of CONTRACT_NAMES) if (DEPENDS_ON[name].some((d) => !reuse.has(d))) reuse.delete(name)
  }
  for (const name of reuse) log(`${name}: already deployed at ${previous?.contracts[name].address} (${EXPECTED_VERSIONS[name]})`)
  if (reuse.size === CONTRACT_NAMES.length && previous != null) {
    log(`nothing to do: chain ${chainId} already has a complete deployment (${file})`)
    return previous
  }

  const contracts = {} as Record<ContractName, DeployedContract>
  for (const name of reuse) if (previous != null) contracts[name] = previous.contracts[name]
  const addr = (name: ContractName): string => contracts[name].address

  async function deploy (name: ContractName, args: unknown[]): Promise<void> {
    if (reuse.has(name)) return
    const a = artifacts[name]
    const c = await new ContractFactory(a.abi, a.bytecode, signer).deploy(...args)
    const receipt = await c.deploymentTransaction()?.wait()
    if (receipt == null || receipt.status !== 1) throw new Error(`deploying ${name} failed`)
    const address = await c.getAddress()
    contracts[name] = { address, version: EXPECTED_VERSIONS[name], blockNumber: receipt.blockNumber, contractName: a.contractName, abi: a.abi }
    log(`${name}: deployed at ${address} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`)
  }
  async function send (name: ContractName, fn: string, args: unknown[]): Promise<void> {
    const tx = await new Contract(addr(name), artifacts[name].abi, signer).getFunction(fn).send(...args)
    const receipt = await tx.wait()
    if (receipt == null || receipt.status !== 1) throw new Error(`${name}.${fn} failed`)
  }

  await deploy('HiveToken', [p.tokenHolder ?? deployer, p.tokenSupply])
  await deploy('TimelockController', [p.timelockDelay, [], [ZeroAddress], deployer])
  await deploy('HiveGovernor', [addr('HiveToken'), addr('TimelockController'), p.votingDelay, p.votingPeriod, p.proposalThreshold, p.quorumPercent])
  if (!reuse.has('TimelockController')) {
    await send('TimelockController', 'grantRole', [id('PROPOSER_ROLE'), addr('HiveGovernor')])
    await send('TimelockController', 'grantRole', [id('CANCELLER_ROLE'), addr('HiveGovernor')])
    await send('TimelockController', 'renounceRole', [ZeroHash, deployer])
    log('TimelockController: governor may propose and cancel, anyone may execute; deployer renounced its admin role')
  }
  const timelock = addr('TimelockController')
  await deploy('ProtocolParams', [timelock, {
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
  }, {
    unbondingPeriod: p.minUnbondingPeriod,
    escrowChallengeWindow: p.minEscrowChallengeWindow,
    channelChallengePeriod: p.minChannelChallengePeriod,
    arbitrationWindow: p.minArbitrationWindow,
    slashMargin: p.slashMargin,
  }, addr('HiveGovernor')])
  await deploy('ProviderRegistry', [addr('HiveToken'), addr('ProtocolParams'), timelock])
  await deploy('JobEscrow', [addr('ProtocolParams')])
  await deploy('PaymentChannel', [addr('ProtocolParams')])
  await deploy('AuditAnchor', [])

  const deployment: Deployment = {
    chainId,
    deployer,
    blockNumber: Math.min(...CONTRACT_NAMES.map((n) => contracts[n].blockNumber)),
    deployedAt: new Date().toISOString(),
    params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])),
    contracts: Object.fromEntries(CONTRACT_NAMES.map((n) => [n, contracts[n]])) as Record<ContractName, DeployedContract>,
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n')
  log(`wrote ${file}`)
  return deployment
}

function parseArgs (argv: string[]): { rpc?: string, devnet: boolean, out?: string } {
  const out: { rpc?: string, devnet: boolean, out?: string } = { devnet: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--devnet') out.devnet = true
    else if (a === '--rpc' || a === '--out') {
      const v = argv[++i]
      if (v == null || v.startsWith('--')) throw new UsageError('BAD_ARGUMENT', `${a} needs a value`, { argument: a })
      if (a === '--rpc') out.rpc = v
      else out.out = resolve(v)
    } else throw new UsageError('BAD_ARGUMENT', `unknown argument ${a}; usage: deploy.ts [--rpc <url>] [--devnet] [--out <dir>]`, { argument: a })
  }
  return out
}

async function main (): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log = (msg: string): void => { console.error(msg) }
  const params = args.devnet ? devnetParams : defaultParams
  let signer: Signer
  if (args.rpc != null) {
    const key = process.env.HIVE_DEPLOYER_KEY
    if (key == null || key === '') throw new UsageError('NO_DEPLOYER_KEY', 'set HIVE_DEPLOYER_KEY to the deployer\'s private key (hex) to deploy with --rpc', {})
    const { JsonRpcProvider, Wallet } = await import('ethers')
    signer = new Wallet(key, new JsonRpcProvider(args.rpc))
  } else {
    const { network } = await import('hardhat')
    const { ethers } = await network.connect()
    signer = (await ethers.getSigners())[0]
    log('no --rpc: deploying to the in-process Hardhat network (gone when this process exits)')
  }
  const d = await deployAll({ signer, params, log, deploymentsDir: args.out })
  console.log(JSON.stringify({ chainId: d.chainId, blockNumber: d.blockNumber, contracts: Object.fromEntries(CONTRACT_NAMES.map((n) => [n, d.contracts[n].address])) }))
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    // ethers errors carry the whole transaction in `message`; `shortMessage` says what went wrong
    const short = (err as { shortMessage?: unknown }).shortMessage
    console.error(err instanceof UsageError ? `error: ${err.message}` : `deployment failed: ${typeof short === 'string' ? short : String(err)}`)
    process.exit(1)
  })
}
