// The market's routes: post a job, list jobs, read one job's record and its verified output.
// Binary data crosses as base64 inside JSON (modules and inputs are small enough here).
import type { JobRecord, JobStatsView } from './views/jobs.ts'
import { ApiError } from '../errors.ts'
import { defineRoute, respond } from './route.ts'
import { q } from './query.ts'

/** large enough for a module plus inputs of a few tens of MiB once base64-encoded */
export const MAX_JOB_BODY_BYTES = 96 * 1024 * 1024

export interface PostJobBody {
  /** the module's bytes, base64 … */
  module?: string
  /** … or the CID of a module already in this node's blob store */
  moduleCid?: string
  inputs?: Array<{ name: string; data: string }>
  args?: string[]
  executor?: string
  redundancy?: number
  maxPrice: string
  bidWindowMs?: number
  timeoutMs?: number
  payment?: 'escrow' | 'channel'
  /** threads: an onnx job's intra-op threads */
  limits?: { memoryBytes?: number; wallTimeMs?: number; outputBytes?: number; threads?: number }
  /** an onnx job's per-output tolerances, decimal strings (output '' = every other output) */
  tolerances?: Array<{ output: string; atol: string; rtol: string }>
  requirements?: { minMemoryBytes?: number; gpuVendor?: string; arch?: string; minCpuScore?: number }
  /** k = 1: the chance (0..1) that the job is re-run on a second provider before payment (spot check) */
  spotCheckRate?: number
  /** pay-on-award (channel, k = 1; issue 14): the voucher rides with the award, the output with the result */
  payOnAward?: boolean
}

export interface JobSummary {
  jobId: string
  phase: JobRecord['phase']
  postedAt: number
  redundancy: number
  bids: number
  /** awards sent, declined and revoked ones too: more than `redundancy` is award exchanges spent in vain */
  awards: number
  winners: Array<{ provider: string; price: string }>
  outputCid?: string
  failure?: JobRecord['failure']
  placementMs?: number
  totalMs?: number
}

export interface JobResultView {
  jobId: string
  outputCid: string
  exitCode: number
  /** base64 */
  stdout: string
  files: Array<{ name: string; data: string }>
}

/** Live output of a job from one provider, as far as the requester kept it (docs/job-logs.md). */
export interface JobLogView {
  provider: string
  /** the newest part of the job's stderr (at most 64 KiB; "… N bytes dropped" where bytes are missing) */
  text: string
  receivedBytes: number
  droppedBytes: number
  /** the newest `progress: <fraction>` line, 0..1 */
  progress?: number
  updatedAt: number
}

export const JOB_ID_PATTERN = /^[0-9a-f]{64}$/

function bad(field: string, message: string): never {
  throw new ApiError(400, 'INVALID_JOB', `${field}: ${message}`, { field })
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function checkBase64(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) bad(field, 'must be base64 text')
  return value
}

function optionalInt(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    bad(field, 'must be a non-negative integer')
  }
  return value
}

function definedOnly<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** the shape only: the protocol checks the numbers (protocol/market/tolerance-spec.ts) when the job is signed */
function checkTolerances(value: unknown): PostJobBody['tolerances'] {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length > 64) bad('tolerances', 'must be an array of {output, atol, rtol}')
  return value.map((t: unknown, i: number) => {
    const item = t as Record<string, unknown>
    for (const k of ['output', 'atol', 'rtol'])
      if (typeof item?.[k] !== 'string') bad(`tolerances[${i}].${k}`, 'must be a string')
    return { output: item.output as string, atol: item.atol as string, rtol: item.rtol as string }
  })
}

/**
 * Checks the shape of a POST /v1/jobs body; the protocol's own checks run when the job is
 * signed. A body naming a `moduleCid` needs no `module` (the handler looks the CID up).
 */
export function checkPostJobBody(raw: unknown): PostJobBody {
  if (typeof raw !== 'object' || raw === null) bad('body', 'must be a JSON object')
  const b = raw as Record<string, unknown>
  if (typeof b.maxPrice !== 'string' || !/^[0-9]{1,78}$/.test(b.maxPrice)) {
    bad('maxPrice', 'must be a decimal string of token base units')
  }
  const inputs = b.inputs === undefined ? [] : b.inputs
  if (!Array.isArray(inputs)) bad('inputs', 'must be an array of {name, data}')
  const args = b.args === undefined ? [] : b.args
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) bad('args', 'must be an array of strings')
  const limits = (b.limits ?? {}) as Record<string, unknown>
  const req = (b.requirements ?? {}) as Record<string, unknown>
  if (b.payment !== undefined && b.payment !== 'escrow' && b.payment !== 'channel') {
    bad('payment', 'must be "escrow" or "channel"')
  }
  if (
    b.spotCheckRate !== undefined &&
    (typeof b.spotCheckRate !== 'number' || !(b.spotCheckRate >= 0 && b.spotCheckRate <= 1))
  ) {
    bad('spotCheckRate', 'must be a number from 0 to 1')
  }
  if (b.payOnAward !== undefined && typeof b.payOnAward !== 'boolean') bad('payOnAward', 'must be true or false')
  const moduleCid = typeof b.moduleCid === 'string' ? b.moduleCid : undefined
  const module = moduleCid === undefined ? checkBase64(b.module, 'module') : undefined
  return definedOnly({
    module,
    moduleCid,
    inputs: inputs.map((i: unknown, n: number) => {
      const item = i as Record<string, unknown>
      if (typeof item?.name !== 'string') bad(`inputs[${n}].name`, 'must be a file name')
      return { name: item.name, data: checkBase64(item.data, `inputs[${n}].data`) }
    }),
    args: args as string[],
    executor: typeof b.executor === 'string' ? b.executor : undefined,
    maxPrice: b.maxPrice,
    redundancy: optionalInt(b.redundancy, 'redundancy'),
    bidWindowMs: optionalInt(b.bidWindowMs, 'bidWindowMs'),
    timeoutMs: optionalInt(b.timeoutMs, 'timeoutMs'),
    payment: b.payment as PostJobBody['payment'],
    spotCheckRate: b.spotCheckRate as number | undefined,
    payOnAward: b.payOnAward as boolean | undefined,
    limits: definedOnly({
      memoryBytes: optionalInt(limits.memoryBytes, 'limits.memoryBytes'),
      wallTimeMs: optionalInt(limits.wallTimeMs, 'limits.wallTimeMs'),
      outputBytes: optionalInt(limits.outputBytes, 'limits.outputBytes'),
      threads: optionalInt(limits.threads, 'limits.threads'),
    }),
    tolerances: checkTolerances(b.tolerances),
    requirements: definedOnly({
      minMemoryBytes: optionalInt(req.minMemoryBytes, 'requirements.minMemoryBytes'),
      gpuVendor: typeof req.gpuVendor === 'string' ? req.gpuVendor : undefined,
      arch: typeof req.arch === 'string' ? req.arch : undefined,
      minCpuScore: optionalInt(req.minCpuScore, 'requirements.minCpuScore'),
    }),
  })
}

const JOB_ERRORS = ['NOT_A_REQUESTER', 'INVALID_JOB_ID', 'JOB_NOT_FOUND'] as const

export const jobRoutes = {
  'jobs.post': defineRoute({
    method: 'POST',
    path: '/v1/jobs',
    body: checkPostJobBody,
    maxBodyBytes: MAX_JOB_BODY_BYTES,
    errors: ['NOT_A_REQUESTER', 'INVALID_JOB', 'MODULE_NOT_FOUND', 'INVALID_MODULE'],
    response: respond<{ jobId: string }>(),
    summary: 'post a job; it is placed, run and verified in the background',
  }),
  'jobs.list': defineRoute({
    method: 'GET',
    path: '/v1/jobs',
    errors: ['NOT_A_REQUESTER'],
    response: respond<{ jobs: JobSummary[] }>(),
    summary: 'the jobs this node posted, newest last',
  }),
  'jobs.get': defineRoute({
    method: 'GET',
    path: '/v1/jobs/:jobId',
    errors: JOB_ERRORS,
    response: respond<JobRecord>(),
    summary: "one job's full record: bids, awards, results, verification",
  }),
  'jobs.stats': defineRoute({
    method: 'GET',
    path: '/v1/stats',
    query: { since: q.int(0, 8_640_000_000_000_000) },
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER'],
    response: respond<JobStatsView>(),
    summary: 'success, failure and timeout counts per reason, as a requester and as a provider',
  }),
  'jobs.logs': defineRoute({
    method: 'GET',
    path: '/v1/jobs/:jobId/logs',
    query: { provider: q.string() },
    errors: [...JOB_ERRORS, 'UNKNOWN_PARAMETER', 'INVALID_PARAMETER'],
    response: respond<{ jobId: string; phase: JobRecord['phase']; logs: JobLogView[] }>(),
    summary: "a job's live output (stderr and progress) per provider, as streamed so far; `job:log` events follow it",
  }),
  'jobs.result': defineRoute({
    method: 'GET',
    path: '/v1/jobs/:jobId/result',
    errors: [...JOB_ERRORS, 'JOB_NOT_FINISHED', 'JOB_FAILED', 'OUTPUT_NOT_FOUND'],
    response: respond<JobResultView>(),
    summary: "a finished job's verified output (stdout and files, base64)",
  }),
}
