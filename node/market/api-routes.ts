// The market's handlers for the routes in node/api/contract/jobs.ts: post a job, list jobs,
// read one job's record and its verified output. The table checks the bodies; this file turns
// them into the requester's input.
import { ApiError } from '../api/errors.ts'
import { JOB_ID_PATTERN } from '../api/contract/jobs.ts'
import type { JobSummary, PostJobBody } from '../api/contract/jobs.ts'
import { checkJobModule } from '../exec/module-check.ts'
import { isFinal } from './job-record.ts'
import { requesterStats } from './stats.ts'
import type { ProviderTally } from './stats.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { JobRecord } from './job-record.ts'
import type { PostJobInput, Requester } from './requester.ts'

export { MAX_JOB_BODY_BYTES } from '../api/contract/jobs.ts'
export type { JobSummary, PostJobBody } from '../api/contract/jobs.ts'

export function summarise(r: JobRecord): JobSummary {
  const winners = r.awards
    .filter((a) => a.status === 'delivered' || a.status === 'committed' || a.status === 'running')
    .map((a) => ({ provider: a.provider, price: a.price }))
  return {
    jobId: r.jobId,
    phase: r.phase,
    postedAt: r.postedAt,
    redundancy: r.redundancy,
    bids: r.bids.length,
    awards: r.awards.length,
    winners,
    ...(r.outputCid !== undefined ? { outputCid: r.outputCid } : {}),
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    ...(r.placedAt !== undefined ? { placementMs: r.placedAt - r.postedAt } : {}),
    ...(r.completedAt !== undefined ? { totalMs: r.completedAt - r.postedAt } : {}),
  }
}

const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'))

/** A checked POST /v1/jobs body as the requester's input; the protocol's own checks run when the job is signed. */
export function postJobInput(b: PostJobBody, moduleFromStore?: Uint8Array): PostJobInput {
  return {
    module: moduleFromStore ?? bytes(b.module ?? ''),
    inputs: (b.inputs ?? []).map((i) => ({ name: i.name, data: bytes(i.data) })),
    args: b.args ?? [],
    ...(b.executor !== undefined ? { executor: b.executor } : {}),
    maxPrice: BigInt(b.maxPrice),
    redundancy: b.redundancy,
    bidWindowMs: b.bidWindowMs,
    timeoutMs: b.timeoutMs,
    payment: b.payment,
    limits: { ...b.limits },
    requirements: { ...b.requirements },
    ...(b.spotCheckRate !== undefined ? { spotCheckRate: b.spotCheckRate } : {}),
    ...(b.tolerances !== undefined ? { tolerances: b.tolerances } : {}),
    ...(b.payOnAward === true ? { payOnAward: true } : {}),
  }
}

export function registerJobRoutes(
  routes: RouteRegistry,
  requester: Requester | undefined,
  provider?: ProviderTally,
): void {
  const need = (): Requester => {
    if (requester === undefined)
      throw new ApiError(
        409,
        'NOT_A_REQUESTER',
        'this node does not run the requester role: start it with --role requester (or --role provider,requester)',
      )
    return requester
  }
  const find = async (jobId: string): Promise<JobRecord> => {
    if (!JOB_ID_PATTERN.test(jobId))
      throw new ApiError(400, 'INVALID_JOB_ID', `"${jobId.slice(0, 80)}" is not a job id (64 hex characters)`)
    const record = await need().get(jobId)
    if (record === undefined)
      throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId} on this node; \`hive job list\` shows the known ones`, {
        jobId,
      })
    return record
  }

  routes.area('jobs', {
    'jobs.post': async (call) => {
      const body = await call.body()
      const cid = body.moduleCid
      let stored: Uint8Array | undefined
      if (cid !== undefined) {
        stored = await need()
          .blob(cid)
          .catch(() => undefined)
        if (stored === undefined)
          throw new ApiError(
            404,
            'MODULE_NOT_FOUND',
            `module ${cid.slice(0, 80)} is not in this node's store: pass the .wasm file instead`,
          )
      }
      const requester = need()
      const input = postJobInput(body, stored)
      // refused here rather than on the providers, where it would only fail after the bids as EXEC_TRAPPED
      const problem = (input.executor ?? 'wasm') === 'wasm' ? await checkJobModule(input.module) : undefined
      if (problem !== undefined) {
        const what = cid !== undefined ? `module ${cid.slice(0, 80)}` : 'module'
        throw new ApiError(400, 'INVALID_MODULE', `${what}: ${problem.message}`, {
          field: 'module',
          reason: problem.code,
        })
      }
      // a post waiting for the requester's window gives up with its API request (post-window.ts)
      return await requester.post(input, { signal: call.signal })
    },
    'jobs.list': async () => ({ jobs: (await need().list()).map(summarise) }),
    'jobs.stats': async ({ query }) => ({
      ...(requester !== undefined ? { requester: requesterStats(await requester.list(), query.since) } : {}),
      ...(provider !== undefined ? { provider: provider.view() } : {}),
    }),
    'jobs.get': async ({ params }) => await find(params.jobId),
    'jobs.logs': async ({ params, query }) => {
      const record = await find(params.jobId)
      return { jobId: record.jobId, phase: record.phase, logs: need().logs(record.jobId, query.provider ?? undefined) }
    },
    'jobs.result': async ({ params }) => {
      const record = await find(params.jobId)
      if (!isFinal(record.phase))
        throw new ApiError(
          409,
          'JOB_NOT_FINISHED',
          `job ${record.jobId} is still ${record.phase}; wait for it (\`hive job status ${record.jobId}\`)`,
        )
      if (record.phase === 'failed')
        throw new ApiError(
          409,
          'JOB_FAILED',
          `job ${record.jobId} failed: ${record.failure?.reason ?? ''} ${record.failure?.message ?? ''}`.trim(),
        )
      const output = await need().output(record.jobId)
      // output() finds nothing without an outputCid; the check tells the type so
      if (output === undefined || record.outputCid === undefined)
        throw new ApiError(
          404,
          'OUTPUT_NOT_FOUND',
          `the output ${record.outputCid ?? ''} of job ${record.jobId} is not in this node's store`,
        )
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
