// What the demo found out, step by step: the summary is printed from it and `--json` prints it
// as is (amounts as decimal strings of base units), so a test can check every claim against the
// chain and the nodes itself.
import type { PaymentMode } from '../../protocol/payment-mode.ts'

export interface ParticipantView {
  name: string
  role: string
  dataDir: string
  address: string
  peerId: string
  /** pid of its `hive node start` process (none for token holders) */
  pid?: number
  apiPort?: number
}

export interface BalanceView {
  eth: string
  hive: string
  staked: string
}

export interface BalancesAt {
  block: number
  byName: Record<string, BalanceView>
}

export interface JobView {
  label: string
  jobId: string
  payment: PaymentMode
  redundancy: number
  bids: number
  winners: Array<{ name: string; peerId: string; price: string }>
  outputCid: string
  /** the job's stdout */
  stdout: string
  /** folder holding its output files */
  resultDir: string
  files: string[]
  ms: number
}

export interface ChannelView {
  channelId: string
  provider: string
  deposit: string
  paid: string
  status: string
  closeTx?: string
}
export interface EscrowView {
  escrowId: string
  jobId: string
  provider: string
  amount: string
  state: string
}
export interface AnchorView {
  name: string
  address: string
  root: string
  size: number
  tx: string
}
export interface VerdictView {
  jobId: string
  ok: boolean
  rows: number
  passed: number
  /**
   * rows the auditor marks WARN: compatible with an honest run (e.g. a bid the requester never logged because it came
   * after the award)
   */
  warnings: string[]
  /** FAIL, UNAVAILABLE and PENDING rows */
  problems: string[]
}

export interface GovernanceView {
  proposalId: string
  change: string
  param: string
  oldValue: string
  newValue: string
  executedBlock: number
  /** what each node reported after the execution, and how long after it */
  seenBy: Array<{ name: string; value: string; ms: number }>
  /** providers that stopped bidding (below the new minimum) */
  stoppedBidding: Array<{ name: string; reason: string; ms: number }>
  /** a job posted afterwards: who bid on it */
  probe?: { jobId: string; bidders: string[] }
}

export interface StepView {
  name: string
  ms: number
  ok: boolean
  summary?: string
  error?: string
}

export interface DemoReport {
  ok: boolean
  workDir: string
  logDir: string
  resultsDir: string
  rpcUrl: string
  chainId: number
  deploymentsDir: string
  hardhatPid?: number
  contracts: Record<string, string>
  participants: ParticipantView[]
  balances: { before?: BalancesAt; after?: BalancesAt }
  /** ETH spent on gas per participant between the two balance snapshots, in wei */
  gas: Record<string, string>
  jobs: JobView[]
  channels: ChannelView[]
  escrows: EscrowView[]
  anchors: AnchorView[]
  audit: VerdictView[]
  governance?: GovernanceView
  steps: StepView[]
  totalMs: number
  failedStep?: string
}

export function emptyReport(workDir: string): DemoReport {
  return {
    ok: false,
    workDir,
    logDir: '',
    resultsDir: '',
    rpcUrl: '',
    chainId: 0,
    deploymentsDir: '',
    contracts: {},
    participants: [],
    balances: {},
    gas: {},
    jobs: [],
    channels: [],
    escrows: [],
    anchors: [],
    audit: [],
    steps: [],
    totalMs: 0,
  }
}
