// ComputeHive's SDK (issue 17): script the network through a running node. `HiveSdkClient.call`
// reaches every route of the local API, typed from the route table; the helpers below are the
// common path — post a job, follow it live, fetch its verified output. See sdk/README.md.
import { HiveApiError, HiveSdkClient } from './client.ts'
import type { RouteReply } from '../node/api/contract/index.ts'
import type { PostJobBody } from '../node/api/contract/jobs.ts'

export { HiveApiError, HiveSdkClient } from './client.ts'
export type { CallInput, HiveSdkClientInit } from './client.ts'
export type { RouteKey, RouteReply } from '../node/api/contract/index.ts'
export type { PostJobBody } from '../node/api/contract/jobs.ts'

/** HIVE has 18 decimals: `hive('0.5')` is half a HIVE in base units. */
export function hive(amount: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(amount.trim())
  if (m === null) throw new TypeError(`"${amount}" is not an amount of HIVE (e.g. 0.5)`)
  return BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0'))
}

export interface JobInput {
  /** the WASI module's bytes (or `moduleCid` for one already in the node's store) */
  module?: Uint8Array
  moduleCid?: string
  inputs?: Array<{ name: string; data: Uint8Array | string }>
  args?: string[]
  /** the most the job pays, in base units (`hive('0.5')`) */
  maxPrice: bigint
  /** providers that run it; the majority output wins (default 1) */
  k?: number
  payment?: 'channel' | 'escrow'
  bidWindowMs?: number
  timeoutMs?: number
  limits?: PostJobBody['limits']
  requirements?: PostJobBody['requirements']
}

const base64 = (data: Uint8Array | string): string =>
  Buffer.from(typeof data === 'string' ? new TextEncoder().encode(data) : data).toString('base64')

/** Posts a job through the node's requester; resolves with its id once the node has published it. */
export async function postJob(client: HiveSdkClient, job: JobInput): Promise<{ jobId: string }> {
  const body: PostJobBody = {
    ...(job.module !== undefined ? { module: base64(job.module) } : {}),
    ...(job.moduleCid !== undefined ? { moduleCid: job.moduleCid } : {}),
    inputs: (job.inputs ?? []).map((i) => ({ name: i.name, data: base64(i.data) })),
    args: job.args ?? [],
    maxPrice: job.maxPrice.toString(),
    ...(job.k !== undefined ? { redundancy: job.k } : {}),
    ...(job.payment !== undefined ? { payment: job.payment } : {}),
    ...(job.bidWindowMs !== undefined ? { bidWindowMs: job.bidWindowMs } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(job.limits !== undefined ? { limits: job.limits } : {}),
    ...(job.requirements !== undefined ? { requirements: job.requirements } : {}),
  }
  return await client.call('jobs.post', { body })
}

/** Everything the node's event stream carries. */
export type NodeEvent = RouteReply<'node.events'>
/** A job's events as the requester sees them: bids, awards, results, and the end. */
export type JobEvent = Extract<NodeEvent, { jobId: string }>
const END = new Set(['job:verified', 'job:failed'])
const JOB_EVENT_TYPES = [
  'job:posted',
  'job:bid',
  'job:awarded',
  'job:accepted',
  'job:declined',
  'job:result',
  'job:reawarded',
  'job:revoked',
  'job:log',
  'job:verified',
  'job:failed',
]

/**
 * Posts a job and follows it live from its very first event: the event stream is opened (and
 * the node has subscribed it) before the job is posted, so a fast job's bids and acceptances are
 * never missed (followJob after postJob may start after them). Ends after verified or failed;
 * `onPosted` is told the job's id as soon as the node has it.
 */
export async function* postAndFollow(
  client: HiveSdkClient,
  job: JobInput,
  options: { signal?: AbortSignal; onPosted?: (jobId: string) => void } = {},
): AsyncGenerator<JobEvent> {
  const stop = new AbortController()
  const signal = options.signal !== undefined ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const events = await client.openStream('node.events', { query: { types: JOB_EVENT_TYPES }, signal })
  try {
    const { jobId } = await postJob(client, job)
    options.onPosted?.(jobId)
    for await (const e of events) {
      if (!('jobId' in e) || e.jobId !== jobId) continue
      yield e as JobEvent
      if (END.has(e.type)) return
    }
  } finally {
    stop.abort()
    await events.return(undefined).catch(() => {})
  }
}

/**
 * Follows a job live (server-sent events) and ends after its last event (verified or failed). It
 * subscribes first and then reads the job's record, so a job that already ended, or ends while
 * the subscription opens, still ends the iteration: the record's final phase is yielded as
 * `job:verified` / `job:failed` when the live event was missed.
 */
export async function* followJob(
  client: HiveSdkClient,
  jobId: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<JobEvent> {
  const stop = new AbortController()
  const signal = options.signal !== undefined ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const events = client.stream('node.events', { query: { types: JOB_EVENT_TYPES }, signal })
  try {
    // the first read opens the stream; the record is checked after that, so nothing falls between
    const first = events.next()
    const record = await client.call('jobs.get', { params: { jobId } })
    if (record.phase === 'completed' || record.phase === 'failed') {
      yield ended(record)
      return
    }
    for (let next = await first; next.done !== true; next = await events.next()) {
      const e = next.value
      if (!('jobId' in e) || e.jobId !== jobId) continue
      yield e as JobEvent
      if (END.has(e.type)) return
    }
  } finally {
    stop.abort()
    await events.return(undefined).catch(() => {})
  }
}

function ended(record: RouteReply<'jobs.get'>): JobEvent {
  const at = record.completedAt ?? Date.now()
  return record.phase === 'completed'
    ? {
        type: 'job:verified',
        at,
        jobId: record.jobId,
        outputCid: record.outputCid ?? '',
        providers: record.awards.filter((a) => a.status === 'delivered').map((a) => a.provider),
        dissenters: record.dissenters ?? [],
      }
    : {
        type: 'job:failed',
        at,
        jobId: record.jobId,
        reason: record.failure?.reason ?? 'UNKNOWN',
        message: record.failure?.message ?? '',
      }
}

export interface JobOutput {
  outputCid: string
  exitCode: number
  stdout: Uint8Array
  files: Array<{ name: string; data: Uint8Array }>
}

/** A verified job's output (stdout and files). Throws HiveApiError JOB_NOT_FINISHED / JOB_FAILED otherwise. */
export async function fetchOutput(client: HiveSdkClient, jobId: string): Promise<JobOutput> {
  const r = await client.call('jobs.result', { params: { jobId } })
  const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'))
  return {
    outputCid: r.outputCid,
    exitCode: r.exitCode,
    stdout: bytes(r.stdout),
    files: r.files.map((f) => ({ name: f.name, data: bytes(f.data) })),
  }
}

/** true for the SDK's API refusals (a status and a code), for `catch` blocks */
export function isApiError(err: unknown): err is HiveApiError {
  return err instanceof HiveApiError
}
