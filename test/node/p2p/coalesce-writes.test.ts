import { expect } from 'chai'
import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import { coalesceSocketWrites } from '../../../node/p2p/coalesce-writes.ts'

interface Calls {
  write: number
  writev: number[]
}

/** counts the socket's hand-offs to the kernel: one _write per chunk or one _writev per batch */
function countKernelWrites(socket: Socket): Calls {
  const calls: Calls = { write: 0, writev: [] }
  const internals = socket as unknown as {
    _write: (...a: unknown[]) => void
    _writev: (chunks: unknown[], cb: unknown) => void
  }
  const write = internals._write
  const writev = internals._writev
  internals._write = function (this: Socket, ...a: unknown[]) {
    calls.write++
    write.apply(this, a)
  }
  internals._writev = function (this: Socket, chunks: unknown[], cb: unknown) {
    calls.writev.push(chunks.length)
    writev.call(this, chunks, cb)
  }
  return calls
}

const turn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

describe('node/p2p: one socket write per event-loop turn (coalesce-writes)', () => {
  let server: Server
  let received: Buffer[]
  let ended: Promise<void>
  const sockets: Socket[] = []

  beforeEach(async () => {
    received = []
    let onEnd: () => void = () => {}
    ended = new Promise((resolve) => (onEnd = resolve))
    server = createServer((s) => {
      s.on('data', (b: Buffer) => received.push(b))
      s.on('end', onEnd)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  async function client(coalesce: boolean): Promise<Socket> {
    const port = (server.address() as { port: number }).port
    const s = connect({ port, host: '127.0.0.1', noDelay: true })
    sockets.push(s)
    await new Promise((resolve) => s.once('connect', resolve))
    if (coalesce) coalesceSocketWrites(s)
    return s
  }

  it('hands the writes of one turn, promise jobs included, to the kernel at once', async () => {
    const plain = await client(false)
    const plainCalls = countKernelWrites(plain)
    for (let i = 0; i < 5; i++) plain.write(Buffer.from([i]))
    await turn()
    expect(plainCalls.write + plainCalls.writev.length).to.be.greaterThan(1) // the control: one per frame

    const s = await client(true)
    const calls = countKernelWrites(s)
    s.write(Buffer.from([0]))
    s.write(Buffer.from([1]))
    await Promise.resolve() // a stream passing data on through a promise, same turn
    s.write(Buffer.from([2]))
    await Promise.resolve().then(() => s.write(Buffer.from([3])))
    await turn()
    expect(calls).to.deep.equal({ write: 0, writev: [4] })

    // the next turn starts a new batch
    s.write(Buffer.from([4]))
    s.write(Buffer.from([5]))
    await turn()
    expect(calls.writev).to.deep.equal([4, 2])
  })

  it('keeps every byte in order, signals backpressure and drains, and sends all before end', async () => {
    const s = await client(true)
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(32 * 1024, i))
    let full = false
    for (const c of chunks) if (!s.write(c)) full = true
    expect(full, 'write() returns false past the high-water mark while corked').to.equal(true)
    await new Promise((resolve) => s.once('drain', resolve))
    s.write(Buffer.from('tail'))
    s.end()
    await ended
    const all = Buffer.concat(received)
    expect(all.length).to.equal(64 * 32 * 1024 + 4)
    for (let i = 0; i < 64; i++) expect(all[i * 32 * 1024], `chunk ${i}`).to.equal(i)
    expect(all.subarray(-4).toString()).to.equal('tail')
  })

  it('is idempotent and leaves a destroyed socket alone', async () => {
    const s = await client(true)
    const write = s.write
    coalesceSocketWrites(s)
    expect(s.write).to.equal(write)
    s.write(Buffer.from('x'))
    s.destroy()
    await turn() // the pending uncork must not throw on a destroyed socket
    expect(s.destroyed).to.equal(true)
  })
})
