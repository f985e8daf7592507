// The market's local API: post a job, list jobs, read one job's record and its verified output.
// Binary data crosses the API as base64 inside JSON (modules and inputs are small enough here;
// a streaming upload can come later without changing the job routes).
import { ApiError } from '../api/errors.ts'
import { isFinal } from './job-record.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { JobRecord } from './job-record.ts'
import type { PostJobInput, Requester } from './requester.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'

/** large enough for a module plus inputs of a few tens of MiB once base64-encoded */
export const MAX_JOB_BODY_BYTES = 96 * 1024 * 1024

export interface PostJobBody {
  /** the module's bytes, base64 … */
  module?: string
  /** … or the CID of a module already in this node's blob store */
  moduleCid?: string
  inputs?: Array<{ name: string, data: string }>
  args?: string[]
  executor?: string
  redundancy?: number
  maxPrice: string
  bidWindowMs?: number
  timeoutMs?: number
  payment?: PaymentMode
  limits?: { memoryBytes?: number, wallTimeMs?: number, outputBytes?: number }
  requirements?: { minMemoryBytes?: number, gpuVendor?: string, arch?: string, minCpuScore?: number }
}

export interface JobSummary {
  jobId: string
  phase: JobRecord['phase']
  postedAt: number
  redundancy: number
  bids: number
  winners: Array<{ provider: string, price: string }>
  outputCid?: string
  failure?: JobRecord['failure']
  placementMs?: number
  totalMs?: number
}

export function summarise (r: JobRecord): JobSummary {
  const winners = r.awards.filter((a) => a.status === 'delivered' || a.status === 'committed' || a.status === 'running').map((a) => ({ provider: a.provider, price: a.price }))
  return {
    jobId: r.jobId,
    phase: r.phase,
    postedAt: r.postedAt,
    redundancy: r.redundancy,
    bids: r.bids.length,
    winners,
    ...(r.outputCid !== undefined ? { outputCid: r.outputCid } : {}),
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    ...(r.placedAt !== undefined ? { placementMs: r.placedAt - r.postedAt } : {}),
    ...(r.completedAt !== undefined ? { totalMs: r.completedAt - r.postedAt } : {}),
  }
}

function bad (field: string, message: string): never {
  throw new ApiError(400, 'INVALID_JOB', `${field}: ${message}`, { field })
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function base64 (value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) bad(field, 'must be base64 text')
  return new Uint8Array(Buffer.from(value, 'base64'))
}

function optionalInt (value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(field, 'must be a non-negative integer')
  return value
}

/** Checks the shape of a POST /v1/jobs body; the protocol's own checks run when the job is signed. */
export function parsePostJobBody (body: unknown, moduleFromStore?: Uint8Array): PostJobInput {
  if (typeof body !== 'object' || body === null) bad('body', 'must be a JSON object')
  const b = body as Record<string, unknown>
  if (typeof b.maxPrice !== 'string' || !/^[0-9]{1,78}$/.test(b.maxPrice)) bad('maxPrice', 'must be a decimal string of token base units')
  const inputs = b.inputs === undefined ? [] : b.inputs
  if (!Array.isArray(inputs)) bad('inputs', 'must be an array of {name, data}')
  const args = b.args === undefined ? [] : b.args
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) bad('args', 'must be an array of strings')
  const limits = (b.limits ?? {}) as Record<string, unknown>
  const req = (b.requirements ?? {}) as Record<string, unknown>
  if (b.payment !== undefined && b.payment !== 'escrow' && b.payment !== 'channel') bad('payment', 'must be "escrow" or "channel"')
  return {
    module: moduleFromStore ?? base64(b.module, 'module'),
    inputs: inputs.map((i: unknown, n: number) => {
      const item = i as Record<string, unknown>
      if (typeof item?.name !== 'string') bad(`inputs[${n}].name`, 'must be a file name')
      return { name: item.name, data: base64(item.data, `inputs[${n}].data`) }
    }),
    args: args as string[],
    ...(typeof b.executor === 'string' ? { executor: b.executor } : {}),
    maxPrice: BigInt(b.maxPrice),
    redundancy: optionalInt(b.redundancy, 'redundancy'),
    bidWindowMs: optionalInt(b.bidWindowMs, 'bidWindowMs'),
    timeoutMs: optionalInt(b.timeoutMs, 'timeoutMs'),
    payment: b.payment as PostJobInput['payment'],
    limits: {
      ...(limits.memoryBytes !== undefined ? { memoryBytes: optionalInt(limits.memoryBytes, 'limits.memoryBytes') } : {}),
      ...(limits.wallTimeMs !== undefined ? { wallTimeMs: optionalInt(limits.wallTimeMs, 'limits.wallTimeMs') } : {}),
      ...(limits.outputBytes !== undefined ? { outputBytes: optionalInt(limits.outputBytes, 'limits.outputBytes') } : {}),
    },
    requirements: {
      ...(req.minMemoryBytes !== undefined ? { minMemoryBytes: optionalInt(req.minMemoryBytes, 'requirements.minMemoryBytes') } : {}),
      ...(typeof req.gpuVendor === 'string' ? { gpuVendor: req.gpuVendor } : {}),
      ...(typeof req.arch === 'string' ? { arch: req.arch } : {}),
      ...(req.minCpuScore !== undefined ? { minCpuScore: optionalInt(req.minCpuScore, 'requirements.minCpuScore') } : {}),
    },
  }
}

export function registerJobRoutes (routes: RouteRegistry, requester: Requester | undefined): void {
  const need = (): Requester => {
    if (requester === undefined) throw new ApiError(409, 'NOT_A_REQUESTER', 'this node does not run the requester role: start it with --roles requester (or provider,requester)')
    return requester
  }
  const find = async (jobId: string): Promise<JobRecord> => {
    if (!/^[0-9a-f]{64}$/.test(jobId)) throw new ApiError(400, 'INVALID_JOB_ID', `"${jobId.slice(0, 80)}" is not a job id (64 hex characters)`)
    const record = await need().get(jobId)
    if (record === undefined) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId} on this node; \`hive job list\` shows the known ones`, { jobId })
    return record
  }

  routes.route({
    method: 'POST',
    path: '/v1/jobs',
    maxBodyBytes: MAX_JOB_BODY_BYTES,
    handler: async (ctx) => {
      const body = await ctx.json()
      const cid = (body as PostJobBody | null)?.moduleCid
      let stored: Uint8Array | undefined
      if (typeof cid === 'string') {
        stored = await need().blob(cid).catch(() => undefined)
        if (stored === undefined) throw new ApiError(404, 'MODULE_NOT_FOUND', `module ${cid.slice(0, 80)} is not in this node's store: pass the .wasm file instead`)
      }
      return await need().post(parsePostJobBody(body, stored))
    },
  })
  routes.route({ method: 'GET', path: '/v1/jobs', handler: async () => ({ jobs: (await need().list()).map(summarise) }) })
  routes.route({ method: 'GET', path: '/v1/jobs/:jobId', handler: async (ctx) => await find(ctx.params.jobId) })
  routes.route({
    method: 'GET',
    path: '/v1/jobs/:jobId/result',
    handler: async (ctx) => {
      const record = await find(ctx.params.jobId)
      if (!isFinal(record.phase)) throw new ApiError(409, 'JOB_NOT_FINISHED', `job ${record.jobId} is still ${record.phase}; wait for it (\`hive job status ${record.jobId}\`)`)
      if (record.phase === 'failed') throw new ApiError(409, 'JOB_FAILED', `job ${record.jobId} failed: ${record.failure?.reason ?? ''} ${record.failure?.message ?? ''}`.trim())
      const output = await need().output(record.jobId)
      if (output === undefined) throw new ApiError(404, 'OUTPUT_NOT_FOUND', `the output ${record.outputCid ?? ''} of job ${record.jobId} is not in this node's store`)
      return {
        jobId: record.jobId,
        outputCid: record.outputCid,
        exitCode: output.exitCode,
        stdout: Buffer.from(output.stdout).toString('base64'),
        files: output.files.map((f) => ({ name: f.name, data: Buffer.from(f.data).toString('base64') })),
      }
    },
  })
}
