// Payments tests: real HiveNodes on 127.0.0.1 with a PaymentsService each, talking to a real
// Hardhat JSON-RPC node (test/support/chain.ts) through node/chain's client and sender.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { openChain } from '../../../node/chain/client.ts'
import { chainService } from '../../../node/chain/service.ts'
import { DEVNET_KDF, createWallet } from '../../../node/chain/wallet.ts'
import { auditService } from '../../../node/audit/index.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { startTestNode } from '../../support/node.ts'
import type { AuditLog } from '../../../node/audit/log.ts'
import type { HiveNode } from '../../../node/node.ts'
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

export async function startPayPeer(
  chain: DevChain,
  root: string,
  name: string,
  wallet: Wallet,
  options: PaymentsOptions = {},
  extra: { audit?: boolean } = {},
): Promise<PayPeer> {
  const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
  const payments = paymentsService({
    chain: client,
    options: { pollMs: 200, windowBits: 8, ...TEST_CHANNEL_TERMS, ...options },
  })
  // the audit service here only keeps the log payments write to: it anchors nothing (no chain given)
  const node = await startTestNode(name, {
    root,
    roles: 'requester,provider',
    libp2pDatastore: 'memory',
    services: extra.audit === true ? { audit: auditService(), payments } : { payments },
  }).catch((err: unknown) => {
    client.close()
    throw err
  })
  const services: { audit?: { log: AuditLog }; payments?: PaymentsService } = node.services
  return {
    node,
    payments: services.payments!,
    client,
    ...(services.audit !== undefined ? { audit: services.audit.log } : {}),
    stop: async () => {
      await node.stop()
      client.close()
    },
  }
}

export async function connect(a: PayPeer, b: PayPeer): Promise<void> {
  await a.node.libp2p.peerStore.merge(b.node.peerId, { multiaddrs: b.node.libp2p.getMultiaddrs() })
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The provider accepted `jobId` at `price` from `requester` (what the market tells it): vouchers paying it are taken.
 */
export async function expectJob(provider: PayPeer, requester: PayPeer, jobId: string, price: bigint): Promise<string> {
  await provider.payments.receiver.expect({ jobId, requesterAddress: requester.payments.address, price })
  return jobId.startsWith('0x') ? jobId : `0x${jobId}`
}

/**
 * A node as `hive node start` builds it for payments: a `chain` service (wallet in the data dir,
 * devnet KDF, 10 ETH) and a payments service on it, so payments uses the chain service's params
 * follower and log poller.
 */
export async function startChainPaymentsNode(chain: DevChain, root: string, name: string) {
  const passphrase = 'test passphrase'
  mkdirSync(join(root, name), { recursive: true, mode: 0o700 })
  const { address } = await createWallet(join(root, name), passphrase, { kdf: DEVNET_KDF })
  await chain.setEth(address, parseEther('10'))
  return await startTestNode(name, {
    root,
    settings: { rpcUrl: chain.url, deployments: chain.deploymentsDir },
    services: { chain: chainService({ passphrase }), payments: paymentsService() },
  })
}
