// What a relay counts and caps on the streams it relays. The relay's inbound hop streams (a
// peer asking for a reservation or a circuit) carry, once a circuit is up, everything the source
// sends and receives, so bytes in and out of them are the bytes the relay carried. Counted by
// wrapping the stream's onData() and send() in the hop handler itself: stream middleware adds a
// tick before the handler, which (libp2p 3.3) broke relayed connections' first bytes, and a
// 'message' listener would hand data out before the relay's own reader is attached.
// The per-peer cap limits hop streams one peer holds open at once: js-libp2p's relay server
// has only global limits.
import type { Connection, Stream, StreamHandler } from '@libp2p/interface'

export const RELAY_HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'

export interface RelayCounters {
  /** bytes carried over circuits (both directions, hop handshakes included) */
  bytesRelayed: number
  /** circuits and reservation requests accepted by the meter */
  hopStreams: number
  /** hop streams refused because the peer had too many open */
  refusedPerPeerCap: number
}

export class RelayMeter {
  readonly counters: RelayCounters = { bytesRelayed: 0, hopStreams: 0, refusedPerPeerCap: 0 }
  private readonly open = new Map<string, number>()
  private readonly maxPerPeer: number

  constructor(maxCircuitsPerPeer: number) {
    this.maxPerPeer = maxCircuitsPerPeer
  }

  /** hop streams `peer` has open now */
  openFor(peer: string): number {
    return this.open.get(peer) ?? 0
  }

  private count(stream: Stream): void {
    const send = stream.send.bind(stream)
    stream.send = (data) => {
      this.counters.bytesRelayed += data.byteLength
      return send(data)
    }
    // onData is how the muxer delivers received bytes (AbstractMessageStream; not on the interface)
    const receiving = stream as Stream & { onData?: (data: { byteLength: number }) => void }
    const onData = receiving.onData?.bind(stream)
    if (onData !== undefined) {
      receiving.onData = (data) => {
        this.counters.bytesRelayed += data.byteLength
        onData(data)
      }
    }
  }

  /** the relay server's hop handler, counted and capped */
  wrap(handler: StreamHandler): StreamHandler {
    return (stream: Stream, connection: Connection) => {
      const peer = connection.remotePeer.toString()
      const open = this.openFor(peer)
      if (open >= this.maxPerPeer) {
        this.counters.refusedPerPeerCap++
        stream.abort(new Error(`relay: ${peer} already has ${open} relay streams open`))
        return
      }
      this.open.set(peer, open + 1)
      this.counters.hopStreams++
      stream.addEventListener(
        'close',
        () => {
          const left = this.openFor(peer) - 1
          if (left <= 0) this.open.delete(peer)
          else this.open.set(peer, left)
        },
        { once: true },
      )
      this.count(stream)
      return handler(stream, connection)
    }
  }
}
