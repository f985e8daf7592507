// The requester's half of re-opened bidding (docs/reaward.md): signs the BidReopen and pushes it,
// with the job's own signed JobRequest, on /hive/reopen to providers that were not tried. The
// lottery is not drawn again: the pushed providers bid directly (the requester chose them, as it
// chooses a new job's push targets), so the gate must know them before their bids come back.
import { logger } from '../log/logger.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { encodeReopenPush, signBidReopen } from '../../protocol/market/bid-reopen.ts'
import { NOT_BIDDING } from '../../protocol/market/candidates.ts'
import { sendRequest } from './direct.ts'
import type { DirectLibp2p } from './direct.ts'
import type { ReopenRequest } from './job-reopen.ts'
import type { PrivateKey } from '@libp2p/interface'

const log = logger('hive:market:reopen')

export interface ReopenPushInit {
  libp2p: DirectLibp2p
  privateKey: PrivateKey
  jobId: string
  /** the job's signed JobRequest, as first published */
  request: Uint8Array
  now: () => number
  /** chooses up to `count` push targets among the live providers, none of `exclude` */
  choose: (exclude: Set<string>) => string[]
  /** called for each target before its push leaves (the bid gate takes its bid as pushed) */
  marked: (provider: string) => void
  /** a target that could not be reached */
  unreachable?: (provider: string, err: unknown) => void
  /** the signed reopen, for the journal, before it leaves */
  signed?: (envelope: Uint8Array, targets: string[]) => Promise<void>
}

/** Resolves with the providers asked and how many answered that they would bid. */
export async function pushReopen(
  init: ReopenPushInit,
  req: ReopenRequest,
): Promise<{ asked: string[]; willing: number }> {
  const targets = init.choose(new Set(req.exclude))
  if (targets.length === 0) return { asked: [], willing: 0 }
  const envelope = await signBidReopen(
    {
      jobId: init.jobId,
      sequence: req.sequence,
      bidsCloseAt: req.bidsCloseAt,
      tried: req.tried.map((p) => peerIdFromString(p)),
      issuedAt: init.now(),
    },
    init.privateKey,
  )
  await init.signed?.(envelope, targets)
  const body = encodeReopenPush(envelope, init.request)
  for (const p of targets) init.marked(p)
  const pushMs = Math.max(1_000, req.bidsCloseAt - init.now())
  let willing = 0
  await Promise.all(
    targets.map(async (p) => {
      try {
        const reply = await sendRequest(init.libp2p, peerIdFromString(p), 'reopen', body, {
          signal: AbortSignal.timeout(pushMs),
        })
        if (reply.code === NOT_BIDDING) log('%s will not bid on re-opened %s: %s', p, init.jobId, reply.message)
        else if (reply.code === '') willing++
        else log('reopen of %s answered %s by %s: %s', init.jobId, reply.code, p, reply.message)
      } catch (err) {
        log('reopen push of %s to %s failed: %s', init.jobId, p, (err as Error).message)
        init.unreachable?.(p, err)
      }
    }),
  )
  return { asked: targets, willing }
}
