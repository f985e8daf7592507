// What a job can observe of its host is only what the job defines: a virtual clock, a
// random stream seeded by the job's content, its own environment.
import { expect } from 'chai'
import { WasmExecutor, type ExecJob } from '../../../node/exec/index.ts'
import { fixture, job, text } from './harness.ts'

const EPOCH_2000_NS = 946_684_800n * 1_000_000_000n

interface Seen { realtime: bigint, monotonic: bigint, random: string, env: string[] }

describe('node/exec determinism', function () {
  this.timeout(60_000)
  const a = new WasmExecutor({ poolSize: 1 })
  const b = new WasmExecutor({ poolSize: 1 })
  let introspect: Uint8Array
  before(async () => {
    await Promise.all([a.start(), b.start()])
    introspect = await fixture('introspect.wat')
  })
  after(async () => { await Promise.all([a.stop(), b.stop()]) })

  async function observe (ex: WasmExecutor, over: Partial<ExecJob>): Promise<Seen> {
    const r = await ex.run(job(introspect, over))
    const v = new DataView(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength)
    const env = new TextDecoder().decode(r.stdout.subarray(32)).split('\0').filter((e) => e !== '')
    return { realtime: v.getBigUint64(0, true), monotonic: v.getBigUint64(8, true), random: Buffer.from(r.stdout.subarray(16, 32)).toString('hex'), env }
  }

  it('gives a virtual clock that starts at 2000-01-01 and moves only when read', async () => {
    const seen = await observe(a, {})
    expect(seen.realtime).to.equal(EPOCH_2000_NS + 1000n)
    expect(seen.monotonic).to.equal(2000n)
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
    expect((await observe(a, { ...base, inputs: [{ name: 'in', data: text('datA') }] })).random).to.not.equal(first.random)
  })

  it('shows only the environment the job defines, sorted', async () => {
    expect((await observe(a, {})).env).to.deep.equal([])
    expect((await observe(a, { env: { ZED: 'last', ALPHA: 'é' } })).env).to.deep.equal(['ALPHA=é', 'ZED=last'])
    expect(process.env.PATH).to.not.equal(undefined) // the host has one; the job does not see it
  })
})
