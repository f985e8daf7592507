// Audited peers for the audit tests: a real HiveNode on 127.0.0.1 with an AuditService (its
// own Hardhat dev account anchoring on a real JSON-RPC chain) and, for requesters and
// providers, a MarketService writing through the audit hook.
import { openChain } from '../../../node/chain/client.ts'
import { WasmExecutor } from '../../../node/exec/index.ts'
import { auditService } from '../../../node/audit/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { startTestNode } from '../../support/node.ts'
import type { AuditService } from '../../../node/audit/service.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
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

export async function startAuditPeer(name: string, o: AuditPeerOptions): Promise<AuditPeer> {
  const roles = o.roles ?? 'none'
  let chain: ChainClient | undefined
  if (o.devChain !== undefined) {
    chain = await openChain({
      settings: o.devChain.settings,
      wallet: o.devChain.account(o.account ?? 1),
      tx: { pollMs: 50 },
      pollingIntervalMs: 50,
    })
  }
  const events: JobEvent[] = []
  const audit = auditService({
    ...(chain !== undefined ? { chain } : {}),
    anchorer: { everyEntries: 1_000_000, intervalMs: 3_600_000, ...o.anchorer },
  })
  const market = marketService({
    ...(o.pool !== undefined ? { executors: { wasm: new WasmExecutor({ pool: o.pool }) } } : {}),
    onEvent: (e) => events.push(e),
  })
  const node = await startTestNode(name, {
    root: o.root,
    // an auditor runs no market role; the config needs one, and a requester without a market is idle
    roles: roles === 'none' ? 'requester' : roles,
    ...(o.bootstrap !== undefined ? { bootstrap: o.bootstrap.node } : {}),
    ...(o.price !== undefined ? { price: o.price } : {}),
    libp2pDatastore: 'memory',
    services: roles === 'none' ? { audit } : { audit, market },
  }).catch((err: unknown) => {
    chain?.close()
    throw err
  })
  const services: { audit?: AuditService; market?: MarketService } = node.services
  return {
    name,
    node,
    audit: services.audit!,
    ...(services.market !== undefined ? { market: services.market } : {}),
    key: node.privateKey,
    dataDir: node.config.dataDir,
    ...(chain !== undefined ? { chain } : {}),
    events,
    stop: async () => {
      await node.stop().catch(() => {})
      chain?.close()
    },
  }
}

/** Polls `check` every 25 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
