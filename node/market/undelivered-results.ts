// The provider's results that found no way to their requester (issue 16). A result is sent again
// for a while (result-sender.ts: 20 s at most); a requester away longer — its node restarting,
// a longer cut — came back to a job it takes up where it was (RequesterJob.resume), but the
// result had been given up, and the award was revoked for silence and run again elsewhere. Here
// such a result waits, its signed envelope only (the output is in the blob store, fetched or paid
// for as ever), until the requester connects again, and is then sent once more — while its award
// lasts. Bounded: at most MAX_KEPT results (the oldest go first), each dropped at its deadline.
import { logger } from '../log/logger.ts'
import type { ResultSender } from './result-sender.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

const log = logger('hive:market:provider')

/** results kept for a requester's return, at most (a signed envelope each, about 1 KB) */
export const MAX_KEPT = 256
/**
 * how long a result is sent again once its requester is back: a node that just connected may
 * not serve its market protocols yet (it connects before it registers them)
 */
export const RESEND_MS = 20_000

interface Kept {
  requester: PeerId
  envelope: Uint8Array
  /** the award's deadline (ms, on `now`'s clock): the result is not sent after it */
  deadline: number
}

export interface UndeliveredResultsInit {
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener'>
  sender: Pick<ResultSender, 'deliver'>
  now: () => number
}

export class UndeliveredResults {
  private readonly init: UndeliveredResultsInit
  /** by job id, oldest first */
  private readonly kept = new Map<string, Kept>()
  private controller = new AbortController()
  private readonly onConnect = (e: CustomEvent<PeerId>): void => {
    this.requesterBack(e.detail)
  }

  constructor(init: UndeliveredResultsInit) {
    this.init = init
  }

  start(): void {
    this.controller = new AbortController()
    this.init.libp2p.addEventListener('peer:connect', this.onConnect)
  }

  stop(): void {
    this.init.libp2p.removeEventListener('peer:connect', this.onConnect)
    this.controller.abort(new Error('provider stopping'))
    this.kept.clear()
  }

  get size(): number {
    return this.kept.size
  }

  /** a result given up: kept until its requester connects again, or its award's deadline */
  keep(jobId: string, requester: PeerId, envelope: Uint8Array, deadline: number): void {
    if (deadline <= this.init.now()) return
    this.kept.delete(jobId)
    this.kept.set(jobId, { requester, envelope, deadline })
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value!)
  }

  /** `peer` connected: each of its results still within its award is sent again (once per connect) */
  private requesterBack(peer: PeerId): void {
    const now = this.init.now()
    for (const [jobId, k] of [...this.kept]) {
      if (k.deadline <= now) {
        this.kept.delete(jobId)
        continue
      }
      if (!k.requester.equals(peer)) continue
      this.kept.delete(jobId)
      log('requester of %s is back: sending its result again', jobId)
      void this.init.sender
        .deliver(k.requester, k.envelope, undefined, {
          signal: this.controller.signal,
          giveUpAt: Math.min(k.deadline, now + RESEND_MS),
          now: this.init.now,
        })
        .then((reply) => {
          // still no way through: wait for the next connect
          if (reply === undefined && !this.controller.signal.aborted)
            this.keep(jobId, k.requester, k.envelope, k.deadline)
        })
        .catch((err: Error) => {
          log('sending the result of %s again failed: %s', jobId, err.message)
        })
    }
  }
}
