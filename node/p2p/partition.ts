// A network partition for tests and chaos runs (issue 16, `npm run chaos -- partitions`): a table
// of which peers cannot reach each other, and a connection gater per node that refuses dials and
// connections across a cut. Off unless a harness builds one and hands each node its gater
// (HiveNodeOptions.connectionGater); a real node never has one. Cutting does not close the
// connections already open: the harness hangs those up (a partition drops packets; a gater only
// decides about new connections).
import type { ConnectionGater, PeerId } from '@libp2p/interface'

export class PartitionTable {
  private readonly cuts = new Set<string>()

  /** `a` and `b` can no longer connect (either way) */
  cut(a: string, b: string): void {
    this.cuts.add(key(a, b))
  }

  /** every peer of `left` cut from every peer of `right` */
  split(left: readonly string[], right: readonly string[]): void {
    for (const a of left) for (const b of right) this.cut(a, b)
  }

  /** `a` and `b` may connect again; without arguments, every cut heals */
  heal(a?: string, b?: string): void {
    if (a === undefined || b === undefined) this.cuts.clear()
    else this.cuts.delete(key(a, b))
  }

  separated(a: string, b: string): boolean {
    return this.cuts.size > 0 && this.cuts.has(key(a, b))
  }

  get size(): number {
    return this.cuts.size
  }

  /**
   * The gater of the node whose peer id `self()` returns (read lazily: the gater exists before
   * the node, and so before its peer id is known to the harness).
   */
  gaterFor(self: () => string | undefined): ConnectionGater {
    const denied = (peer: PeerId): boolean => {
      const me = self()
      return me !== undefined && this.separated(me, peer.toString())
    }
    return {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied,
    }
  }
}

function key(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`
}
