// Audited peers for the audit tests: a real HiveNode on 127.0.0.1 with an AuditService (its
// own Hardhat dev account anchoring on a real JSON-RPC chain) and, for requesters and
// providers, a MarketService writing through the audit hook.
import { join } from 'node:path'
import { loadConfig } from '../../../node/config.ts'
import { openChain } from '../../../node/chain/client.ts'
import { WasmExecutor } from '../../../node/exec/index.ts'
import { anchorReader, anchorWriter } from '../../../node/audit/anchor-chain.ts'
import { AuditService } from '../../../node/audit/service.ts'
import { MarketService } from '../../../node/market/service.ts'
import { HiveNode } from '../../../node/node.ts'
import { loadPeerKey } from '../../../node/p2p/identity.ts'
import { TEST_HARDWARE } from '../market/helpers.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { AnchorerOptions } from '../../../node/audit/anchorer.ts'
import type { WorkerPool } from '../../../node/exec/index.ts'
import type { JobEvent } from '../../../node/market/events.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PrivateKey } from '@libp2p/interface'

export interface AuditPeer {
  name: string
  node: HiveNode
  audit: AuditService
  market?: MarketService
  key: PrivateKey
  dataDir: string
  chain?: ChainClient
  events: JobEvent[]
  stop: () => Promise<void>
}

export interface AuditPeerOptions {
  root: string
  roles?: 'requester' | 'provider' | 'none'
  bootstrap?: AuditPeer
  /** anchor with Hardhat dev account `account` on `devChain` */
  devChain?: DevChain
  account?: number
  price?: string
  pool?: WorkerPool
  anchorer?: AnchorerOptions
}

export async function startAuditPeer (name: string, o: AuditPeerOptions): Promise<AuditPeer> {
  const dataDir = join(o.root, name)
  const roles = o.roles ?? 'none'
  const config = loadConfig({
    dataDir,
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: o.bootstrap?.node.info().addresses ?? [],
      // an auditor runs no market role; the config needs one, and a requester without a market is idle
      roles: roles === 'none' ? 'requester' : roles,
      prices: { wasm: o.price ?? '0.001' },
      allowPrivateAddrs: true,
    },
  })
  const node = await HiveNode.create(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
  const key = await loadPeerKey(dataDir)
  let chain: ChainClient | undefined
  if (o.devChain !== undefined) {
    chain = await openChain({ settings: o.devChain.settings, wallet: o.devChain.account(o.account ?? 1), tx: { pollMs: 50 }, pollingIntervalMs: 50 })
  }
  const audit = new AuditService({
    libp2p: node.libp2p,
    store: node.store,
    privateKey: key,
    ...(chain !== undefined ? { anchors: anchorWriter(chain), reader: anchorReader(chain) } : {}),
    anchorer: { everyEntries: 1_000_000, intervalMs: 3_600_000, ...o.anchorer },
    events: node.events,
  })
  // before the market: services stop in reverse, so the market stops writing before the log closes
  node.addService(audit)
  const events: JobEvent[] = []
  let market: MarketService | undefined
  if (roles !== 'none') {
    market = new MarketService(node, {
      privateKey: key,
      ...(o.pool !== undefined ? { executors: { wasm: new WasmExecutor({ pool: o.pool }) } } : {}),
      onEvent: (e) => events.push(e),
      audit: audit.hook,
    })
    node.addService(market)
  }
  await node.start()
  return {
    name,
    node,
    audit,
    ...(market !== undefined ? { market } : {}),
    key,
    dataDir,
    ...(chain !== undefined ? { chain } : {}),
    events,
    stop: async () => {
      await node.stop().catch(() => {})
      chain?.close()
    },
  }
}

/** Polls `check` every 25 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
