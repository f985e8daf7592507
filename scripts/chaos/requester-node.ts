// The requester of a chaos run (this process): a node with the market, and with payments on a
// paid chain when one is given. It keeps every job event (unless told not to: an hour of them is
// what grew the soak's requester heap) and which awards are accepted and still running, which is
// how the scenarios find who was awarded (and kill or cut off that provider).
import { join } from 'node:path'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { openChain } from '../../node/chain/client.ts'
import { marketService } from '../../node/market/service.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { CHAOS_HARDWARE } from './hardware.ts'
import { CHAOS_PAYMENT_OPTIONS } from './fleet.ts'
import type { ConnectionGater } from '@libp2p/interface'
import type { JobEvent } from '../../node/market/events.ts'
import type { HiveNode } from '../../node/node.ts'
import type { Requester } from '../../node/market/requester.ts'
import type { PaidChain } from './paid-chain.ts'

export interface RunningAward {
  jobId: string
  provider: string
  /** when the requester saw the provider accept */
  at: number
}

export interface ChaosRequester {
  node: HiveNode
  requester: Requester
  events: JobEvent[]
  /** job events by type and reason (declines, re-awards, revocations), counted even when not kept */
  eventCounts: Map<string, number>
  /** how long each award revoked for silence had been silent (the latest 10,000) */
  revokedSilentMs: number[]
  /** accepted awards with no result and no revocation yet, keyed `${jobId}/${provider}` */
  running: Map<string, RunningAward>
  stop: () => Promise<void>
}

export async function startChaosRequester(opts: {
  root: string
  paid?: PaidChain
  connectionGater?: ConnectionGater
  /** the DHT as a server: providers look things up through it */
  dhtServer?: boolean
  /** the system clock the requester corrects by its peers' (a skewed one, disk-clock) */
  systemClock?: () => number
  /** false: `events` stays empty (a long run: the soak); default true */
  keepEvents?: boolean
}): Promise<ChaosRequester> {
  const events: JobEvent[] = []
  const eventCounts = new Map<string, number>()
  const count = (key: string): void => {
    eventCounts.set(key, (eventCounts.get(key) ?? 0) + 1)
  }
  const revokedSilentMs: number[] = []
  const running = new Map<string, RunningAward>()
  const client =
    opts.paid === undefined
      ? undefined
      : await openChain({
          settings: opts.paid.settings,
          wallet: opts.paid.requesterWallet,
          tx: { pollMs: 50 },
          pollingIntervalMs: 100,
        })
  const node = await createHiveNode(
    loadConfig({
      dataDir: join(opts.root, 'requester'),
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        roles: 'requester',
        mdns: false,
        allowPrivateAddrs: true,
        ...(opts.dhtServer === true ? { dhtMode: 'server' as const } : {}),
      },
    }),
    {
      hardware: CHAOS_HARDWARE,
      libp2pDatastore: 'memory',
      ...(opts.systemClock !== undefined ? { systemClock: opts.systemClock } : {}),
      ...(opts.connectionGater !== undefined ? { connectionGater: opts.connectionGater } : {}),
      services: {
        market: marketService({
          onEvent: (e) => {
            if (opts.keepEvents !== false) events.push(e)
            // a reason that is a code, not a sentence: the keys stay few
            // (a decline's reason is a sentence: its code in parentheses, e.g. "declined: busy (NO_CAPACITY)")
            const code = 'reason' in e ? (/^[A-Z_]{1,40}$/.exec(e.reason) ?? /\(([A-Z_]{3,40})\)/.exec(e.reason)) : null
            const reason = code === null ? '' : ` ${code[1] ?? code[0]}`
            count(`${e.type}${reason}`)
            if (e.type === 'job:revoked') {
              revokedSilentMs.push(e.silentForMs)
              // what the requester had heard of the award: heartbeats taken (0, 1, 2, 3+) and the last stage
              count(`job:revoked-after ${Math.min(e.heartbeats ?? 0, 3)} heartbeat(s) ${e.lastStage ?? '-'}`)
              if (revokedSilentMs.length > 20_000) revokedSilentMs.splice(0, 10_000)
            }
            if (e.type === 'job:accepted')
              running.set(`${e.jobId}/${e.provider}`, { jobId: e.jobId, provider: e.provider, at: e.at })
            if (e.type === 'job:result' || e.type === 'job:revoked') running.delete(`${e.jobId}/${e.provider}`)
          },
        }),
        ...(client !== undefined
          ? { payments: paymentsService({ chain: client, options: { ...CHAOS_PAYMENT_OPTIONS, retryMs: 2_000 } }) }
          : {}),
      },
    },
  )
  await node.start()
  return {
    node,
    requester: node.services.market!.requester!,
    events,
    eventCounts,
    revokedSilentMs,
    running,
    stop: async () => {
      await node.stop().catch(() => {})
      client?.close()
    },
  }
}
