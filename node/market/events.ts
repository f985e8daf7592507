// What the market tells the node's local clients as a job moves on (the CLI's live progress).

export type { JobPhase } from '../api/contract/views/jobs.ts'

export type JobEvent =
  | { type: 'job:posted', at: number, jobId: string, pushedTo: number }
  | { type: 'job:bid', at: number, jobId: string, provider: string, price: string, bids: number }
  | { type: 'job:awarded', at: number, jobId: string, provider: string, price: string, slot: number }
  | { type: 'job:accepted', at: number, jobId: string, provider: string, price: string, slot: number }
  | { type: 'job:declined', at: number, jobId: string, provider: string, reason: string }
  | { type: 'job:result', at: number, jobId: string, provider: string, status: string, outputCid?: string }
  | { type: 'job:reawarded', at: number, jobId: string, provider: string, reason: string }
  // the award's provider was taken for dead and its award withdrawn (docs/reaward.md); the slot is re-awarded
  | { type: 'job:revoked', at: number, jobId: string, provider: string, slot: number, reason: string, silentForMs: number }
  | { type: 'job:verified', at: number, jobId: string, outputCid: string, providers: string[], dissenters: string[] }
  | { type: 'job:failed', at: number, jobId: string, reason: string, message: string }
  // provider side
  | { type: 'provider:bid', at: number, jobId: string, requester: string, price: string }
  | { type: 'provider:accepted', at: number, jobId: string, requester: string, price: string }
  | { type: 'provider:declined', at: number, jobId: string, reason: string }
  | { type: 'provider:revoked', at: number, jobId: string, reason: string }
  | { type: 'provider:completed', at: number, jobId: string, status: string, outputCid?: string, wallMs: number }

export type JobEventSink = (event: JobEvent) => void
