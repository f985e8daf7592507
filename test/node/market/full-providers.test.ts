// Issue 14/16: which providers a requester holds back after a NO_CAPACITY decline
// (node/market/full-providers.ts), on a hand-driven clock.
import { expect } from 'chai'
import { FULL_HOLD_MS, FullProviders } from '../../../node/market/full-providers.ts'

describe('node/market/full-providers: FullProviders', () => {
  it('a decline holds a provider full until the hold passes', () => {
    const full = new FullProviders()
    full.declined('p1', 1_000)
    expect(full.isFull('p1', 1_000)).to.equal(true)
    expect(full.isFull('p1', 1_000 + FULL_HOLD_MS - 1)).to.equal(true)
    expect(full.isFull('p1', 1_000 + FULL_HOLD_MS)).to.equal(false)
    expect(full.isFull('p2', 1_000), 'never declined').to.equal(false)
  })

  it('one of our awards with it ending frees it at once; a later decline holds it again', () => {
    const full = new FullProviders(5_000)
    full.declined('p1', 0)
    full.freed('p1')
    expect(full.isFull('p1', 1)).to.equal(false)
    full.declined('p1', 10)
    expect(full.isFull('p1', 11)).to.equal(true)
  })

  it('remembers a bounded number of providers, dropping the oldest decline first', () => {
    const full = new FullProviders(60_000)
    for (let i = 0; i <= 1_024; i++) full.declined(`p${i}`, 0)
    expect(full.isFull('p0', 1), 'the oldest was dropped').to.equal(false)
    expect(full.isFull('p1', 1)).to.equal(true)
    expect(full.isFull('p1024', 1)).to.equal(true)
  })
})
