// Yamux window updates only once half a stream's receive window is used (issue 14).
//
// @chainsafe/libp2p-yamux 8 answers every data frame it receives with a window-update frame giving
// the sender its bytes back. For a request/response exchange of a few hundred bytes that is one
// extra frame per data frame, each its own Noise message (encrypted, sent, read, decrypted, parsed
// and applied on the other side): a third of an exchange's frames. go-yamux and rust-yamux
// withhold the update until the window is at least half used (rust-yamux PR #109: the sender then
// always holds more than half a window of credit, and never stalls waiting for it). This does the
// same to the JavaScript implementation by wrapping its `sendWindowUpdate`: an update that carries
// no flag and would return less than half the window is not sent. Frames that carry a flag (the
// SYN of a new stream, the ACK of an accepted one) and updates after a pause go out as before.
//
// The wrapper changes the prototype of the one YamuxStream class in the process, once; every node
// in the process (createHiveLibp2p installs it) then behaves the same, which is what the wire
// needs: the rule is the receiver's alone, and any yamux peer (ours or another implementation)
// sends within whatever credit it holds.
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/** the fields of a stream the rule reads (private in the class's types) */
interface WindowState {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

const WRAPPED = Symbol.for('computehive.yamux.halfWindowUpdates')

/** counts, for tests and profiling: updates withheld, and passed to yamux */
export const windowUpdateCounts = { withheld: 0, passed: 0 }

/**
 * Whether a stream in this state should send its window update now: a flag to send (the stream
 * is new or newly accepted), or at least half the receive window used.
 */
export function windowUpdateDue(s: WindowState): boolean {
  if (s.state === StreamState.Init || s.state === StreamState.SYNReceived) return true
  // paused: yamux itself sends nothing and restarts its round-trip epoch; leave that to it
  if (s.state === StreamState.Paused) return true
  return s.recvWindow - s.recvWindowCapacity >= s.recvWindow / 2
}

/** Installs the rule on yamux's stream class (idempotent). */
export function halfWindowUpdates(): void {
  const proto = YamuxStream.prototype as unknown as Record<PropertyKey, unknown> & {
    sendWindowUpdate: (this: YamuxStream) => void
  }
  if (proto[WRAPPED] === true) return
  const original = proto.sendWindowUpdate
  proto.sendWindowUpdate = function (this: YamuxStream): void {
    if (!windowUpdateDue(this as unknown as WindowState)) {
      windowUpdateCounts.withheld++
      return
    }
    windowUpdateCounts.passed++
    original.call(this)
  }
  proto[WRAPPED] = true
}
