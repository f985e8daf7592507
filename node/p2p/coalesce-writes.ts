// One socket write per event-loop turn per TCP connection, not one per frame (issue 14: CPU per
// job). Every libp2p message is several frames — a yamux header, its data, a window update, a
// multistream-select line, a FIN — each its own Noise message, and libp2p's TCP transport hands
// each to `socket.write` at once; with Nagle off (libp2p's choice, for latency) every one became
// its own syscall and its own TCP segment, and on the other end its own read and `data` event.
// A request/reply job took ~290 segments. Here the first write of a turn corks the socket and a
// `process.nextTick` uncorks it: Node then hands everything written in between to the kernel in
// one `writev`. nextTick runs after the promise jobs queued in the same turn (libp2p's streams
// pass data on through promises), before any I/O, so nothing waits longer than the turn that
// wrote it. Only sockets of the TCP transport are touched; the backpressure signal is unchanged
// (a corked write still returns false past the high-water mark and 'drain' follows the flush).
import { Socket } from 'node:net'
import { tcp } from '@libp2p/tcp'
import type { TCPComponents, TCPOptions } from '@libp2p/tcp'
import type { CreateListenerOptions, MultiaddrConnection, Transport, Upgrader } from '@libp2p/interface'

const COALESCED = Symbol.for('hive.p2p.coalescedWrites')

/** Makes `socket` gather the writes of one event-loop turn into one syscall. Idempotent. */
export function coalesceSocketWrites(socket: Socket): void {
  const marked = socket as Socket & { [COALESCED]?: true }
  if (marked[COALESCED] === true) return
  marked[COALESCED] = true
  const write = socket.write
  let corked = false
  const flush = (): void => {
    corked = false
    // end() and destroy() uncork by themselves; a second uncork would be a no-op anyway
    if (!socket.destroyed && socket.writableCorked > 0) socket.uncork()
  }
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked && !socket.destroyed && !socket.writableEnded) {
      corked = true
      socket.cork()
      process.nextTick(flush)
    }
    return Reflect.apply(write, this, args) as boolean
  } as Socket['write']
}

/** the upgrader, with the raw socket of each connection it upgrades set to coalesce its writes */
function coalescingUpgrader(upgrader: Upgrader): Upgrader {
  const prepare = (maConn: MultiaddrConnection): void => {
    const socket = (maConn as MultiaddrConnection & { socket?: unknown }).socket
    if (socket instanceof Socket) coalesceSocketWrites(socket)
  }
  return new Proxy(upgrader, {
    get(target, key, receiver) {
      if (key === 'upgradeOutbound' || key === 'upgradeInbound') {
        return (maConn: MultiaddrConnection, opts: never) => {
          prepare(maConn)
          return target[key](maConn, opts)
        }
      }
      const value: unknown = Reflect.get(target, key, receiver)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** libp2p's TCP transport whose connections write once per event-loop turn */
export function coalescedTcp(init?: TCPOptions): (components: TCPComponents) => Transport {
  const make = tcp(init)
  return (components) => {
    const transport = make(components)
    const dial = transport.dial.bind(transport)
    const createListener = transport.createListener.bind(transport)
    transport.dial = async (ma, options) =>
      await dial(ma, { ...options, upgrader: coalescingUpgrader(options.upgrader) })
    transport.createListener = (options: CreateListenerOptions) =>
      createListener({ ...options, upgrader: coalescingUpgrader(options.upgrader) })
    return transport
  }
}
