// Jobs through the requester's API, run by the requester's agent inside its namespace: post
// `primes N` jobs (k=1 and k=2, paid by channel), follow each to its end, check its output
// against the count computed here, and note which connection (direct or relayed) reached each
// winning provider when the job ended.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { HiveClient } from '../../cli/client.ts'
import type { JobRecord } from '../../node/api/contract/views/jobs.ts'

export interface JobsRequest {
  dataDir: string
  modulePath: string
  jobs: number
  jobsK2: number
  concurrency: number
  /** token base units */
  maxPrice: string
  timeoutMs: number
  /** how long the requester collects bids; the testbed's machine is shared and its links lossy */
  bidWindowMs: number
}

export interface JobOutcome {
  n: number
  k: number
  jobId?: string
  completed: boolean
  verified: boolean
  placementMs?: number
  e2eMs?: number
  winners: Array<{ provider: string; price: string; paidAt?: number }>
  /** per winner: 'direct' | 'relayed' | 'none' (no connection left when the job ended) */
  paths: string[]
  error?: string
  /** a failed job's awards: who, in which state, why (for the run's outcomes.json) */
  awards?: Array<{ provider: string; status: string; failure?: string }>
}

/** the count `primes N` prints: primes <= N */
export function primesUpTo(n: number): number {
  if (n < 2) return 0
  const sieve = new Uint8Array(n + 1)
  let count = 0
  for (let i = 2; i <= n; i++) {
    if (sieve[i] !== 0) continue
    count++
    for (let j = i * i; j <= n; j += i) sieve[j] = 1
  }
  return count
}

async function one(client: HiveClient, module: string, req: JobsRequest, n: number, k: number): Promise<JobOutcome> {
  const arg = 10_000 + n
  const out: JobOutcome = { n, k, completed: false, verified: false, winners: [], paths: [] }
  const t0 = Date.now()
  try {
    const { jobId } = await client.call('jobs.post', {
      body: {
        module,
        args: [String(arg)],
        redundancy: k,
        maxPrice: req.maxPrice,
        payment: 'channel',
        bidWindowMs: req.bidWindowMs,
        timeoutMs: 60_000,
      },
    })
    out.jobId = jobId
    let rec: JobRecord
    for (;;) {
      rec = await client.call('jobs.get', { params: { jobId } })
      if (rec.phase === 'completed' || rec.phase === 'failed') break
      if (Date.now() - t0 > req.timeoutMs) throw new Error(`still ${rec.phase} after ${req.timeoutMs} ms`)
      await sleep(100)
    }
    out.e2eMs = (rec.completedAt ?? Date.now()) - rec.postedAt
    if (rec.placedAt !== undefined) out.placementMs = rec.placedAt - rec.postedAt
    if (rec.phase === 'failed') {
      out.awards = rec.awards.map((a) => ({
        provider: a.provider,
        status: a.status,
        ...(a.failure !== undefined ? { failure: a.failure } : {}),
      }))
      throw new Error(`failed: ${rec.failure?.reason ?? '?'} ${rec.failure?.message ?? ''}`)
    }
    out.completed = true
    const delivered = rec.awards.filter((a) => a.status === 'delivered' && a.outputCid === rec.outputCid)
    out.winners = delivered.map((a) => ({
      provider: a.provider,
      price: a.price,
      ...(a.paidAt !== undefined ? { paidAt: a.paidAt } : {}),
    }))
    const result = await client.call('jobs.result', { params: { jobId } })
    const stdout = Buffer.from(result.stdout, 'base64').toString('utf8')
    out.verified =
      result.exitCode === 0 && stdout.startsWith(`primes <= ${arg}: ${primesUpTo(arg)}`) && delivered.length >= k
    if (!out.verified) out.error = `unexpected output: ${stdout.slice(0, 80)}`
    const { peers } = await client.call('node.peers')
    out.paths = delivered.map((a) => {
      const addrs = peers.find((p) => p.peerId === a.provider)?.addresses ?? []
      if (addrs.some((x) => !x.includes('/p2p-circuit'))) return 'direct'
      return addrs.length > 0 ? 'relayed' : 'none'
    })
  } catch (err) {
    out.error = err instanceof Error ? err.message : String(err)
  }
  return out
}

export async function runJobs(req: JobsRequest): Promise<JobOutcome[]> {
  const client = await HiveClient.forDataDir(req.dataDir)
  const module = readFileSync(req.modulePath).toString('base64')
  const queue: Array<{ n: number; k: number }> = [
    ...Array.from({ length: req.jobs }, (_, i) => ({ n: i, k: 1 })),
    ...Array.from({ length: req.jobsK2 }, (_, i) => ({ n: req.jobs + i, k: 2 })),
  ]
  const results: JobOutcome[] = []
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      results.push(await one(client, module, req, next.n, next.k))
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, req.concurrency) }, worker))
  return results.sort((a, b) => a.n - b.n)
}
