// Peers that are on the job topics but serve no jobs. Every requester joins every job topic of
// its classes (job-topic-watch.ts) and so does a relay or bootstrap that runs a requester, so a
// topic's subscribers are not all providers. A requester took them for providers whose profile
// had not reached it yet, and spent push slots on them: in issue 13's both-nat run the bootstrap
// was pushed every job, answered "protocol selection failed" each time, and was then the only
// peer a re-opened job asked. A peer whose push was refused for the protocol is left out for
// `ttlMs`, or until identify lists the protocol (a reconnect after it started providing). Identify
// alone does not mark a peer: a node's libp2p answers identify before its market service has
// registered its handlers, and we run no identify-push, so its early answer would hide a provider.
import { SeenCache } from '../../protocol/market/seen-cache.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import type { IdentifyResult, Libp2p } from '@libp2p/interface'

export type NonProvidersLibp2p = Pick<Libp2p, 'addEventListener' | 'removeEventListener'>

export interface NonProvidersInit {
  libp2p: NonProvidersLibp2p
  /** how long a refused push leaves a peer out (default 10 min) */
  ttlMs?: number
  /** most peers remembered (default 4096; the oldest mark goes first) */
  capacity?: number
  now?: () => number
}

export class NonProviders {
  private readonly init: NonProvidersInit
  /** peers left out, each until its mark expires (bounded: the oldest mark goes first) */
  private readonly marked: SeenCache
  private listening = false

  constructor(init: NonProvidersInit) {
    this.init = init
    this.marked = new SeenCache({ capacity: init.capacity ?? 4096, ttlMs: init.ttlMs ?? 10 * 60_000 })
  }

  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const serves = evt.detail.protocols
    if (serves.includes(PROTOCOLS.requestBid) || serves.includes(PROTOCOLS.request))
      this.marked.forget(evt.detail.peerId.toString())
  }

  start(): void {
    if (this.listening) return
    this.listening = true
    this.init.libp2p.addEventListener('peer:identify', this.onIdentify)
  }

  stop(): void {
    if (!this.listening) return
    this.listening = false
    this.init.libp2p.removeEventListener('peer:identify', this.onIdentify)
  }

  /** a push to `peer` was refused: it does not serve job requests (a mark anew if already marked) */
  mark(peer: string): void {
    this.marked.forget(peer)
    this.marked.add(peer, this.now())
  }

  has(peer: string): boolean {
    return this.marked.has(peer, this.now())
  }

  private now(): number {
    return (this.init.now ?? Date.now)()
  }
}
