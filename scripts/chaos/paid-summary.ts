// The wire between the crash-steps harness and its paid node processes (paid-child.ts): the
// child's configuration, the commands it takes, and the short form of a job record it answers with.
import type { JobRecord } from '../../node/market/job-record.ts'

export interface ChildSpec {
  role: 'requester' | 'provider'
  dataDir: string
  /** provider: its asking price (HIVE, decimal) */
  price?: string
  bootstrap: string[]
  /** a fixed TCP port (a requester restarted on its port is found again by its providers) */
  port?: number
  rpcUrl: string
  deployments: string
  /** the node's wallet key (a dev account of the chain) */
  key: string
}

export type ChildCommand =
  | { cmd: 'post'; holdMs: number; bidWindowMs: number }
  | { cmd: 'wait'; jobId: string }
  | { cmd: 'jobs' }
  | { cmd: 'retry' }
  | { cmd: 'vouchers' }
  | { cmd: 'close' }
  | { cmd: 'subscribers' }
  | { cmd: 'arm'; failpoints: string[]; on: boolean }

export interface JobSummary {
  jobId: string
  phase: string
  failure?: string
  outputCid?: string
  awards: Array<{ provider: string; status: string; price: string; paid: boolean; revoked: boolean }>
}

export interface ChannelRow {
  channelId: string
  provider: string
  status: string
  nonce: string
  cumulativeAmount: string
  acked: boolean
}

export function summarize(r: JobRecord): JobSummary {
  return {
    jobId: r.jobId,
    phase: r.phase,
    ...(r.failure !== undefined ? { failure: r.failure.reason } : {}),
    ...(r.outputCid !== undefined ? { outputCid: r.outputCid } : {}),
    awards: r.awards.map((a) => ({
      provider: a.provider,
      status: a.status,
      price: a.price,
      paid: a.paidAt !== undefined,
      revoked: a.revokedAt !== undefined,
    })),
  }
}
