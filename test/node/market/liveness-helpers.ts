// Shared by the liveness tests (issue 16): real nodes on 127.0.0.1 whose jobs hold for the time
// their `hold=<ms>` argument asks (scripts/chaos/held-executor.ts), so that a provider is busy on
// an award for seconds without spinning the CPU, and a hello module to run after the hold.
import { WasmExecutor } from '../../../node/exec/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { HeldExecutor, helloModule } from '../../../scripts/chaos/held-executor.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { WorkerPool } from '../../../node/exec/index.ts'
import type { JobEvent } from '../../../node/market/events.ts'
import type { LivenessPolicy } from '../../../node/market/liveness.ts'
import type { ProviderFaults } from '../../../node/market/provider.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'

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
}

export async function startLivePeer(name: string, opts: LivePeerOptions): Promise<LivePeer> {
  const events: JobEvent[] = []
  const node = await startTestNode(name, {
    root: opts.root,
    roles: opts.roles,
    libp2pDatastore: 'memory',
    ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap.node } : {}),
    ...(opts.price !== undefined ? { price: opts.price } : {}),
    services: {
      market: marketService({
        executors: { wasm: new HeldExecutor(new WasmExecutor(opts.pool !== undefined ? { pool: opts.pool } : {})) },
        faults: opts.faults,
        liveness: opts.liveness,
        ...(opts.capacity !== undefined ? { capacity: opts.capacity } : {}),
        onEvent: (e) => {
          events.push(e)
        },
      }),
    },
  })
  return { name, node, market: node.services.market!, events }
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
