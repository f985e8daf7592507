// node/util/deadline.ts: a bound that lets go of its timer and its sources when the work ends
// (AbortSignal.timeout and AbortSignal.any held ~2 timers per job in the soak's heap snapshots).
import { expect } from 'chai'
import { deadline } from '../../../node/util/deadline.ts'
import { waitFor } from '../../support/wait.ts'

describe('node/util deadline', () => {
  it('aborts with a TimeoutError once its time is up', async () => {
    const d = deadline(20)
    expect(d.signal.aborted).to.equal(false)
    await waitFor(() => d.signal.aborted, { what: 'the deadline', timeoutMs: 2_000, intervalMs: 5 })
    expect((d.signal.reason as Error).name).to.equal('TimeoutError')
  })

  it('aborts with the reason of the first source that aborts, and of one aborted already', () => {
    const a = new AbortController()
    const b = new AbortController()
    const d = deadline(60_000, a.signal, undefined, b.signal)
    b.abort(new Error('b gave up'))
    expect(d.signal.aborted).to.equal(true)
    expect((d.signal.reason as Error).message).to.equal('b gave up')
    a.abort(new Error('a later'))
    expect((d.signal.reason as Error).message, 'the first reason stays').to.equal('b gave up')
    d.clear()
    const early = deadline(60_000, a.signal)
    expect((early.signal.reason as Error).message).to.equal('a later')
  })

  it('once cleared, neither its time nor its sources abort it', async () => {
    const source = new AbortController()
    const d = deadline(10, source.signal)
    d.clear()
    d.clear()
    source.abort(new Error('after the work ended'))
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(d.signal.aborted).to.equal(false)
  })

  it('with no time of its own, only its sources end it', async () => {
    const source = new AbortController()
    const d = deadline(undefined, source.signal)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(d.signal.aborted).to.equal(false)
    source.abort(new Error('caller'))
    expect((d.signal.reason as Error).message).to.equal('caller')
  })
})
