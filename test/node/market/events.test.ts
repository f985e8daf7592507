// The market's typed events (node/market/events.ts MarketEvents) and the payout address book
// payments keeps from them (node/payments/payout-addresses.ts): no network, no chain. The market's
// fair-exchange steps rely on these semantics: an emit resolves only after every subscriber
// finished (the payment is made before the output is fetched), and a subscriber's throw fails the
// step (no award without a secured payment).
import { expect } from 'chai'
import { MarketEvents } from '../../../node/market/events.ts'
import { PayoutAddresses } from '../../../node/payments/payout-addresses.ts'

const JOB = 'ab'.repeat(32)

describe('node/market events', () => {
  it('resolves an emit only once every listener finished, in subscription order', async () => {
    const events = new MarketEvents()
    const seen: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    events.on('output:verified', async (e) => {
      await gate
      seen.push(`first ${e.provider}`)
    })
    events.on('output:verified', (e) => {
      seen.push(`second ${e.provider}`)
    })
    let done = false
    const emitted = events
      .emit('output:verified', { jobId: JOB, payment: 'channel', provider: 'P', price: 1n, outputCid: 'X' })
      .then(() => {
        done = true
      })
    await Promise.resolve()
    expect(done, 'resolved before the first listener finished').to.equal(false)
    expect(seen).to.deep.equal([])
    release()
    await emitted
    expect(seen).to.deep.equal(['first P', 'second P'])
  })

  it("rejects an emit with the listener's error and runs no later listener", async () => {
    const events = new MarketEvents()
    let later = false
    events.on('award:accepted', async () => {
      throw Object.assign(new Error('no channel'), { code: 'CHANNEL_NOT_FUNDED' })
    })
    events.on('award:accepted', () => {
      later = true
    })
    const err = await events
      .emit('award:accepted', { jobId: JOB, payment: 'channel', provider: 'P', price: 1n, deadline: 0 })
      .then(
        () => undefined,
        (e: Error & { code?: string }) => e.code,
      )
    expect(err).to.equal('CHANNEL_NOT_FUNDED')
    expect(later).to.equal(false)
  })

  it('stops calling a listener once unsubscribed; an event nobody hears resolves', async () => {
    const events = new MarketEvents()
    let calls = 0
    const off = events.on('bid:released', () => {
      calls++
    })
    await events.emit('bid:released', { jobId: JOB, providers: ['P'] })
    off()
    off()
    await events.emit('bid:released', { jobId: JOB, providers: ['P'] })
    expect(calls).to.equal(1)
    expect(events.listenerCount('bid:released')).to.equal(0)
    await events.emit('job:settled', { record: {} as never })
  })
})

describe('node/payments payout addresses', () => {
  it('keeps an address per job and provider until the bid is dropped or the job is settled', () => {
    const book = new PayoutAddresses()
    book.set(JOB, 'P', '0x1')
    book.set(JOB, 'Q', '0x2')
    book.set('cd'.repeat(32), 'P', '0x3')
    expect(book.get(JOB, 'P')).to.equal('0x1')
    expect(book.get('cd'.repeat(32), 'P'), 'per job, not per provider').to.equal('0x3')
    book.delete(JOB, ['P'])
    expect(book.get(JOB, 'P')).to.equal(undefined)
    expect(book.get(JOB, 'Q')).to.equal('0x2')
    book.delete(JOB, ['Q'])
    expect(book.jobs, 'a job with no address left is dropped').to.equal(1)
    book.forgetJob('cd'.repeat(32))
    expect(book.jobs).to.equal(0)
  })
})
