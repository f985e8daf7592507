// Payments tests: real HiveNodes on 127.0.0.1 with a PaymentsService each, talking to a real
// Hardhat JSON-RPC node (test/support/chain.ts) through node/chain's client and sender.
import { join } from 'node:path'
import { openChain } from '../../../node/chain/client.ts'
import { loadConfig } from '../../../node/config.ts'
import { HiveNode } from '../../../node/node.ts'
import { loadPeerKey } from '../../../node/p2p/identity.ts'
import { attachPayments } from '../../../node/payments/service.ts'
import { AuditLog } from '../../../node/audit/log.ts'
import { AuditHook } from '../../../node/audit/market-hook.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { TEST_HARDWARE } from '../market/helpers.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { PaymentsOptions, PaymentsService } from '../../../node/payments/service.ts'
import type { DevChain } from '../../support/chain.ts'
import type { Wallet } from 'ethers'

/** Payments tests open channels that expire within a minute (the watchtower's); nodes accept them. */
export const TEST_CHANNEL_TERMS = { minChannelLifetimeSeconds: 0 }

export interface PayPeer {
  node: HiveNode
  payments: PaymentsService
  client: ChainClient
  /** with `{ audit: true }`: the node's audit log, which payments write to */
  audit?: AuditLog
  stop: () => Promise<void>
}

export async function startPayPeer (chain: DevChain, root: string, name: string, wallet: Wallet, options: PaymentsOptions = {}, extra: { audit?: boolean } = {}): Promise<PayPeer> {
  const dataDir = join(root, name)
  const config = loadConfig({ dataDir, flags: { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'requester,provider', allowPrivateAddrs: true } })
  const node = await HiveNode.create(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
  const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
  const audit = extra.audit === true ? await AuditLog.open({ db: node.store.audit, peer: peerIdToBytes(node.peerId) }) : undefined
  const hook = audit === undefined ? undefined : new AuditHook({ log: () => audit, jobs: node.store.jobs, writeState: async (ops) => { await node.store.batchDurable(ops) } })
  const payments = attachPayments(node, { chain: client, privateKey: await loadPeerKey(dataDir), options: { pollMs: 200, windowBits: 8, ...TEST_CHANNEL_TERMS, ...options }, ...(hook !== undefined ? { audit: hook } : {}) })
  await node.start()
  return {
    node,
    payments,
    client,
    ...(audit !== undefined ? { audit } : {}),
    stop: async () => { await audit?.close(); await node.stop(); client.close() },
  }
}

export async function connect (a: PayPeer, b: PayPeer): Promise<void> {
  await a.node.libp2p.peerStore.merge(b.node.peerId, { multiaddrs: b.node.libp2p.getMultiaddrs() })
}

export async function waitUntil (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The provider accepted `jobId` at `price` from `requester` (what the market tells it): vouchers paying it are taken. */
export async function expectJob (provider: PayPeer, requester: PayPeer, jobId: string, price: bigint): Promise<string> {
  await provider.payments.receiver.expect({ jobId, requesterAddress: requester.payments.address, price })
  return jobId.startsWith('0x') ? jobId : `0x${jobId}`
}
