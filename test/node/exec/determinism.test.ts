// What a job can observe of its host is only what the job defines: a virtual clock, a
// random stream seeded by the job's content, its own environment.
import { expect } from 'chai'
import { WasmExecutor, type ExecJob } from '../../../node/exec/index.ts'
import { fixture, job, text, wat } from './harness.ts'

const EPOCH_2000_NS = 946_684_800n * 1_000_000_000n

interface Seen {
  realtime: bigint
  monotonic: bigint
  random: string
  env: string[]
}

describe('node/exec determinism', function () {
  this.timeout(60_000)
  const a = new WasmExecutor({ poolSize: 1 })
  const b = new WasmExecutor({ poolSize: 1 })
  let introspect: Uint8Array
  before(async () => {
    await Promise.all([a.start(), b.start()])
    introspect = await fixture('introspect.wat')
  })
  after(async () => {
    await Promise.all([a.stop(), b.stop()])
  })

  async function observe(ex: WasmExecutor, over: Partial<ExecJob>): Promise<Seen> {
    const r = await ex.run(job(introspect, over))
    const v = new DataView(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength)
    const env = new TextDecoder()
      .decode(r.stdout.subarray(32))
      .split('\0')
      .filter((e) => e !== '')
    return {
      realtime: v.getBigUint64(0, true),
      monotonic: v.getBigUint64(8, true),
      random: Buffer.from(r.stdout.subarray(16, 32)).toString('hex'),
      env,
    }
  }

  it('gives a virtual clock that starts at 2000-01-01 and moves only when read', async () => {
    const seen = await observe(a, {})
    expect(seen.realtime).to.equal(EPOCH_2000_NS + 1000n)
    expect(seen.monotonic).to.equal(2000n)
  })

  it('sleeps on the virtual clock: poll_oneoff returns at once and the clock jumps', async () => {
    // sleeps 5 s (relative monotonic clock subscription), then writes the monotonic clock
    const sleeper = await wat(`(module
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i64.store (i32.const 0) (i64.const 42))
        (i32.store8 (i32.const 8) (i32.const 0))
        (i32.store (i32.const 16) (i32.const 1))
        (i64.store (i32.const 24) (i64.const 5000000000))
        (if (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200)) (then (call $exit (i32.const 3))))
        (if (i64.ne (i64.load (i32.const 100)) (i64.const 42)) (then (call $exit (i32.const 4))))
        (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 300)))
        (i32.store (i32.const 400) (i32.const 300)) (i32.store (i32.const 404) (i32.const 8))
        (drop (call $w (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 408)))))`)
    const t0 = performance.now()
    const r = await a.run(job(sleeper))
    expect(performance.now() - t0).to.be.below(1000)
    expect(r.exitCode).to.equal(0)
    expect(new DataView(r.stdout.buffer, r.stdout.byteOffset).getBigUint64(0, true)).to.equal(5_000_000_000n + 1000n)
  })

  it('gives the same random bytes for the same job on any executor, other bytes for another job', async () => {
    const base = { args: ['x'], inputs: [{ name: 'in', data: text('data') }] }
    const first = await observe(a, base)
    const again = await observe(a, base)
    const elsewhere = await observe(b, { ...base, inputs: [...base.inputs] })
    expect(again.random).to.equal(first.random)
    expect(elsewhere.random).to.equal(first.random)
    expect(first.random).to.not.equal('0'.repeat(32))
    expect((await observe(a, { ...base, args: ['y'] })).random).to.not.equal(first.random)
    expect((await observe(a, { ...base, inputs: [{ name: 'in', data: text('datA') }] })).random).to.not.equal(
      first.random,
    )
  })

  it('shows only the environment the job defines, sorted', async () => {
    expect((await observe(a, {})).env).to.deep.equal([])
    expect((await observe(a, { env: { ZED: 'last', ALPHA: 'é' } })).env).to.deep.equal(['ALPHA=é', 'ZED=last'])
    expect(process.env.PATH).to.not.equal(undefined) // the host has one; the job does not see it
  })
})
