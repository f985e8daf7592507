// Who takes part in the demo, and what the steps share: the work dir, the CLI, the chain, the
// running nodes and the report that the summary (and `--json`) is made from.
import { join } from 'node:path'
import { parseEther } from 'ethers'
import type { HiveApiClient } from '../client.ts'
import type { NodeInfo } from '../../node/controller.ts'
import type { DeployedChain, HardhatProcess } from './chain.ts'
import type { HiveCli } from './cli.ts'
import type { NodeProcess } from './processes.ts'
import type { DemoReport } from './report.ts'

export type Role = 'requester' | 'provider' | 'auditor' | 'holder'

export interface CastMember {
  name: string
  role: Role
  /** Hardhat dev account index */
  account: number
  /** HIVE the deployer sends it */
  hive: bigint
  /** providers: HIVE staked, and price per unit (config `prices.wasm`) */
  stake?: bigint
  price?: string
  /** providers: executor classes offered besides wasm (config `executors`, priced alike) */
  alsoRuns?: string[]
}

const HIVE = (n: string): bigint => parseEther(n)

/**
 * One requester, three providers (the cheapest one staked least, so that raising the minimum
 * stake visibly stops it bidding), an auditor that takes no part in any job, and two token
 * holders whose votes together reach the 4% quorum (40M of 1,000M HIVE).
 */
export const CAST: readonly CastMember[] = [
  { name: 'requester', role: 'requester', account: 1, hive: HIVE('1000') },
  // provider-1 also runs inference jobs (executor onnx): the one warm inference child it starts
  // is all the demo's inference job needs
  {
    name: 'provider-1',
    role: 'provider',
    account: 2,
    hive: HIVE('500'),
    stake: HIVE('300'),
    price: '0.0010',
    alsoRuns: ['onnx'],
  },
  { name: 'provider-2', role: 'provider', account: 3, hive: HIVE('500'), stake: HIVE('300'), price: '0.0012' },
  { name: 'provider-3', role: 'provider', account: 4, hive: HIVE('500'), stake: HIVE('150'), price: '0.0008' },
  { name: 'auditor', role: 'auditor', account: 5, hive: 0n },
  { name: 'holder-1', role: 'holder', account: 6, hive: HIVE('30000000') },
  { name: 'holder-2', role: 'holder', account: 7, hive: HIVE('20000000') },
]

/** The governance step raises the minimum stake to this (provider-3 stays below it). */
export const NEW_MIN_STAKE = HIVE('200')
/** Devnet-only passphrase of the demo's keystores (the keys are Hardhat's public dev keys). */
export const DEMO_PASSPHRASE = 'hive-devnet-passphrase'
/** The nodes' CPU benchmark: short, the demo does not compare machines. */
export const DEMO_BENCHMARK = '200ms'

export interface Participant extends CastMember {
  dir: string
  address: string
  peerId: string
  node?: { process: NodeProcess; client: HiveApiClient; info: NodeInfo }
}

export interface DemoOptions {
  keep: boolean
  json: boolean
  /** run one-shot `hive` commands as child processes instead of in this process */
  spawnCli: boolean
}

export interface DemoContext {
  workDir: string
  logDir: string
  resultsDir: string
  deploymentsDir: string
  options: DemoOptions
  signal: AbortSignal
  cli: HiveCli
  env: Record<string, string>
  people: Participant[]
  /** every node process started, even one whose start failed, so teardown finds it */
  processes: NodeProcess[]
  hardhat?: HardhatProcess
  chain?: DeployedChain
  /** work started in one step and awaited in a later one (e.g. the data dirs, made while the chain starts) */
  pending: Map<string, Promise<unknown>>
  report: DemoReport
  /** a line under the current step (commands run, results), shown live */
  say: (text: string) => void
  /** ends the current step with this error (a node died under it) */
  fault: (err: Error) => void
  /** set once teardown begins: nodes exiting from then on are expected to */
  stopping: boolean
}

export function person(ctx: Pick<DemoContext, 'people'>, name: string): Participant {
  const p = ctx.people.find((x) => x.name === name)
  if (p === undefined) throw new Error(`no participant ${name}`)
  return p
}

export function running(p: Participant): NonNullable<Participant['node']> {
  if (p.node === undefined) throw new Error(`${p.name}'s node is not running`)
  return p.node
}

export const byRole = (ctx: Pick<DemoContext, 'people'>, role: Role): Participant[] =>
  ctx.people.filter((p) => p.role === role)
export const nodesOf = (ctx: Pick<DemoContext, 'people'>): Participant[] =>
  ctx.people.filter((p) => p.role !== 'holder')

export function dataDirOf(workDir: string, name: string): string {
  return join(workDir, name)
}
