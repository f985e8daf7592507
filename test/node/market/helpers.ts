// Shared by the market tests: real HiveNodes with a MarketService on 127.0.0.1 (built by
// test/support/node.ts), a shared WASM worker pool.
import { WasmExecutor } from '../../../node/exec/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { startTestNode } from '../../support/node.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { WorkerPool } from '../../../node/exec/index.ts'
import type { JobEvent } from '../../../node/market/events.ts'
import type { GossipOutcome } from '../../../node/market/gossip.ts'
import type { MarketOptions } from '../../../node/market/service.ts'
import type { ProviderFaults } from '../../../node/market/provider.ts'
import type { PrivateKey } from '@libp2p/interface'

export { TEST_HARDWARE } from '../../support/node.ts'

const GIB = 1024 ** 3

/** A requirement no test provider meets: the job is gossiped and validated but never bid on. */
export const UNSATISFIABLE = { minMemoryBytes: 512 * GIB }

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const str = (b: Uint8Array | undefined): string => new TextDecoder().decode(b)

export interface GossipVerdict {
  outcome: GossipOutcome
  code: string | undefined
  topic: string
}

export interface MarketPeer {
  name: string
  node: HiveNode
  market: MarketService
  key: PrivateKey
  events: JobEvent[]
  verdicts: GossipVerdict[]
}

export interface StartPeerOptions {
  roles: 'requester' | 'provider'
  root: string
  bootstrap?: MarketPeer
  price?: string
  faults?: ProviderFaults
  pool?: WorkerPool
  policy?: MarketOptions['policy']
  capacity?: number
  /** other node settings, as flags (e.g. spotCheckRate) */
  settings?: Parameters<typeof startTestNode>[1]['settings']
  /** called synchronously with every job event (e.g. to act at an exact step) */
  onEvent?: (event: JobEvent) => void
}

export async function startMarketPeer(name: string, opts: StartPeerOptions): Promise<MarketPeer> {
  const events: JobEvent[] = []
  const verdicts: GossipVerdict[] = []
  const node = await startTestNode(name, {
    root: opts.root,
    roles: opts.roles,
    ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap.node } : {}),
    ...(opts.price !== undefined ? { price: opts.price } : {}),
    ...(opts.settings !== undefined ? { settings: opts.settings } : {}),
    services: {
      market: marketService({
        ...(opts.pool !== undefined ? { executors: { wasm: new WasmExecutor({ pool: opts.pool }) } } : {}),
        faults: opts.faults,
        policy: opts.policy,
        capacity: opts.capacity,
        onEvent: (e) => {
          events.push(e)
          opts.onEvent?.(e)
        },
        onGossipOutcome: (outcome, code, topic) => verdicts.push({ outcome, code, topic }),
      }),
    },
  })
  return { name, node, market: node.services.market!, key: node.privateKey, events, verdicts }
}

/** Polls `check` every 20 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
