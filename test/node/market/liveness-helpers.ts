// Shared by the liveness tests (issue 16): real nodes on 127.0.0.1 whose jobs hold for the time
// their `hold=<ms>` argument asks (scripts/chaos/held-executor.ts), so that a provider is busy on
// an award for seconds without spinning the CPU, and a hello module to run after the hold.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WasmExecutor, WorkerPool } from '../../../node/exec/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { HeldExecutor, helloModule } from '../../../scripts/chaos/held-executor.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import { expect } from 'chai'
import type { JobEvent } from '../../../node/market/events.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'
import type { LivenessPolicy } from '../../../node/market/liveness.ts'
import type { ProviderFaults } from '../../../node/market/provider.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { ConnectionGater } from '@libp2p/interface'

export { helloModule }

export interface LivePeer {
  name: string
  node: HiveNode
  market: MarketService
  events: JobEvent[]
}

export interface LivePeerOptions {
  root: string
  roles: 'requester' | 'provider'
  bootstrap?: LivePeer
  price?: string
  pool?: WorkerPool
  faults?: ProviderFaults
  liveness?: Partial<LivenessPolicy>
  /** jobs the provider runs at once (default 2) */
  capacity?: number
  /** decides about new connections (a PartitionTable's, to cut the node off) */
  connectionGater?: ConnectionGater
  /** called with each event as it is emitted (before the emitter goes on) */
  onEvent?: (event: JobEvent) => void
  /** called as the provider's executor starts holding a job (`hold=<ms>`): its run is under way */
  onHold?: () => void
  /** how long the provider sends a result again before giving it up (default 20 s) */
  resultDeliveryMs?: number
}

export async function startLivePeer(name: string, opts: LivePeerOptions): Promise<LivePeer> {
  const events: JobEvent[] = []
  const node = await startTestNode(name, {
    root: opts.root,
    roles: opts.roles,
    libp2pDatastore: 'memory',
    ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap.node } : {}),
    ...(opts.price !== undefined ? { price: opts.price } : {}),
    ...(opts.connectionGater !== undefined ? { connectionGater: opts.connectionGater } : {}),
    services: {
      market: marketService({
        executors: {
          wasm: new HeldExecutor(new WasmExecutor(opts.pool !== undefined ? { pool: opts.pool } : {}), {
            ...(opts.onHold !== undefined ? { onHold: opts.onHold } : {}),
          }),
        },
        faults: opts.faults,
        liveness: opts.liveness,
        ...(opts.capacity !== undefined ? { capacity: opts.capacity } : {}),
        ...(opts.resultDeliveryMs !== undefined ? { resultDeliveryMs: opts.resultDeliveryMs } : {}),
        onEvent: (e) => {
          events.push(e)
          opts.onEvent?.(e)
        },
      }),
    },
  })
  return { name, node, market: node.services.market!, events }
}

export interface LivePair {
  requester: LivePeer
  provider: LivePeer
  /** stops both nodes and the worker pool, and removes their data */
  stop: () => Promise<void>
}

/** A requester and one provider (a one-worker pool) under a fresh temp dir, the provider in its jobs topic. */
export async function startLivePair(prefix: string): Promise<LivePair> {
  const root = mkdtempSync(join(tmpdir(), prefix))
  const pool = new WorkerPool({ size: 1 })
  const peers: LivePeer[] = []
  const stop = async (): Promise<void> => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    const requester = await startLivePeer('requester', { root, roles: 'requester' })
    peers.push(requester)
    const provider = await startLivePeer('provider', { root, roles: 'provider', bootstrap: requester, pool })
    peers.push(provider)
    await inJobsTopic(requester, [provider])
    return { requester, provider, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Resolves once the requester sees every provider in the wasm jobs topic (so gossip reaches them). */
export async function inJobsTopic(requester: LivePeer, providers: LivePeer[]): Promise<void> {
  const pubsub = requester.node.libp2p.services.pubsub
  await waitFor(() => providers.every((p) => jobSubscribers(pubsub).some((id) => id.equals(p.node.peerId))), {
    what: `${providers.length} provider(s) in the jobs topic`,
    timeoutMs: 30_000,
  })
}

/** The first event of `type` for `jobId` in `events` (typed). */
export function eventOf<T extends JobEvent['type']>(
  events: JobEvent[],
  type: T,
  jobId: string,
): Extract<JobEvent, { type: T }> | undefined {
  return events.find((e) => e.type === type && 'jobId' in e && e.jobId === jobId) as
    Extract<JobEvent, { type: T }> | undefined
}

/** Posts a job of the hello module from `requester` (1 s bid window, 60 s to finish); resolves with its id. */
export async function postHelloJob(requester: LivePeer): Promise<string> {
  const { jobId } = await requester.market.requester!.post({
    module: await helloModule(),
    maxPrice: 10n ** 18n,
    bidWindowMs: 1_000,
    timeoutMs: 60_000,
    limits: { wallTimeMs: 10_000 },
  })
  return jobId
}

/**
 * Posts two jobs at once that each hold their slot `holdMs`, and waits for both to end. Both are
 * bid on before either is awarded: a stated provider estimate never awards early, so both
 * windows close with every bid in and both awards go out together.
 */
export async function postTwoAtOnce(
  requester: LivePeer,
  opts: { holdMs: number; providerEstimate: number },
): Promise<JobRecord[]> {
  const module = await helloModule('done\n')
  const post = async (): Promise<string> =>
    (
      await requester.market.requester!.post({
        module,
        args: [`hold=${opts.holdMs}`],
        maxPrice: 10n ** 18n,
        providerEstimate: opts.providerEstimate,
        bidWindowMs: 1_500,
        timeoutMs: 60_000,
        limits: { wallTimeMs: 20_000 },
      })
    ).jobId
  const jobs = await Promise.all([post(), post()])
  return await Promise.all(
    jobs.map(async (j) => await requester.market.requester!.wait(j, { signal: AbortSignal.timeout(60_000) })),
  )
}

/** Waits for the job to end and checks that it completed on one award, to `provider`, delivered, none revoked. */
export async function expectOneDeliveredAward(requester: LivePeer, jobId: string, provider: string): Promise<void> {
  const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(45_000) })
  expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
  expect(
    record.awards.map((a) => [a.provider, a.status]),
    'one award, delivered',
  ).to.deep.equal([[provider, 'delivered']])
  expect(requester.events.filter((e) => e.type === 'job:revoked')).to.deep.equal([])
}
