import { expect } from 'chai'
import { RetrySchedule } from '../../../node/payments/retry-schedule.ts'

describe('node/payments RetrySchedule', () => {
  it('backs off exponentially up to the cap, per key, and gives up after maxAttempts', () => {
    let now = 0
    const r = new RetrySchedule({ now: () => now, maxAttempts: 4, baseMs: 100, maxMs: 250 })
    expect(r.due('a')).to.equal(true)
    expect(r.failed('a')).to.deep.equal({ attempts: 1, gaveUp: false })
    expect(r.due('a')).to.equal(false)
    expect(r.due('b'), 'another key is not held up').to.equal(true)
    now = 100
    expect(r.due('a')).to.equal(true)
    r.failed('a') // next in 200
    now = 299
    expect(r.due('a')).to.equal(false)
    now = 300
    r.failed('a') // capped: next in 250
    now = 549
    expect(r.due('a')).to.equal(false)
    now = 550
    expect(r.failed('a')).to.deep.equal({ attempts: 4, gaveUp: true })
    now = 1e9
    expect(r.due('a')).to.equal(false)
    r.succeeded('a')
    expect(r.due('a')).to.equal(true)
    expect(r.size).to.equal(0)
  })
})
