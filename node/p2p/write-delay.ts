// Opt-in network delay for the namespace testbed (scripts/testbed/): the kernel here has no
// `tc netem`, so latency is injected in the application. With HIVE_TESTBED_DELAY_MS=N set, every
// TCP write of this process to a non-loopback peer leaves N ms late (each side delays what it
// sends, so a round trip gains 2N). Unset (always, outside the testbed) it does nothing.
import { Socket } from 'node:net'

const ENV_KEY = 'HIVE_TESTBED_DELAY_MS'
const INSTALLED = Symbol.for('hive.testbed.writeDelay')

type WriteCb = (err?: Error | null) => void
interface Chunk {
  chunk: unknown
  encoding: BufferEncoding
}
interface SocketInternals {
  _write: (chunk: unknown, encoding: BufferEncoding, cb: WriteCb) => void
  _writev: ((chunks: Chunk[], cb: WriteCb) => void) | undefined
  _final: (cb: WriteCb) => void
}

/** The delay asked for by the environment, or 0 (no delay, nothing patched). */
export function testbedDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[ENV_KEY]
  if (raw === undefined || raw === '') return 0
  const ms = Number(raw)
  return Number.isFinite(ms) && ms > 0 && ms <= 10_000 ? Math.round(ms) : 0
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr?.startsWith('::ffff:127.') === true
}

/**
 * Patches net.Socket once per process when HIVE_TESTBED_DELAY_MS is set. A write is acknowledged
 * at once (the stream keeps flowing) and handed to the kernel N ms later; all writes use the same
 * N, and Node runs timers of equal duration in the order they were set, so bytes stay in order.
 * The end of the stream (FIN) is delayed the same way so that it never overtakes data.
 * Loopback peers (the local API, the CLI) are not delayed.
 */
export function installTestbedWriteDelay(env: NodeJS.ProcessEnv = process.env): number {
  const ms = testbedDelayMs(env)
  const proto = Socket.prototype as unknown as SocketInternals & Record<symbol, unknown>
  if (ms === 0 || proto[INSTALLED] === true) return ms
  proto[INSTALLED] = true
  const write = proto._write
  const writev = proto._writev
  const final = proto._final
  const ignore: WriteCb = () => {}
  proto._write = function (this: Socket, chunk, encoding, cb) {
    if (isLoopback(this.remoteAddress)) {
      write.call(this, chunk, encoding, cb)
      return
    }
    setTimeout(() => {
      if (!this.destroyed) write.call(this, chunk, encoding, ignore)
    }, ms)
    cb()
  }
  if (writev !== undefined) {
    proto._writev = function (this: Socket, chunks, cb) {
      if (isLoopback(this.remoteAddress)) {
        writev.call(this, chunks, cb)
        return
      }
      setTimeout(() => {
        if (!this.destroyed) writev.call(this, chunks, ignore)
      }, ms)
      cb()
    }
  }
  proto._final = function (this: Socket, cb) {
    if (isLoopback(this.remoteAddress)) {
      final.call(this, cb)
      return
    }
    setTimeout(() => {
      final.call(this, cb)
    }, ms)
  }
  return ms
}
