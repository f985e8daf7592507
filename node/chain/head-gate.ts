// Pollers that read the chain on a timer (the watchtower, the escrow manager, the credit sweeper)
// have nothing new to read while the chain's head has not moved: state changes only in a new
// block. The node's log poller already reads the head every poll; a gate remembers the head its
// poller's last complete read saw and says whether the next tick needs the chain. Without a head
// source (a payments service built on a bare chain client) every tick reads, as before.

import type { ChainHeadBlock } from './log-poller.ts'

/** The newest block the node has seen, or undefined before the first poll. */
export type ChainHead = () => ChainHeadBlock | undefined

export class HeadGate {
  private readonly head: ChainHead | undefined
  private readHash: string | undefined

  constructor(head?: ChainHead) {
    this.head = head
  }

  /**
   * The head to read at: undefined when the read may be skipped (the last complete read saw this
   * head); otherwise a token to pass to `read` once the read succeeded. A head that moves during the
   * read leaves the gate open for the next tick.
   */
  check(): { hash: string | undefined } | undefined {
    const now = this.head?.()
    if (now !== undefined && now.hash === this.readHash) return undefined
    return { hash: now?.hash }
  }

  /** Records a complete read begun at `token` (from `check`). */
  read(token: { hash: string | undefined }): void {
    this.readHash = token.hash
  }
}
