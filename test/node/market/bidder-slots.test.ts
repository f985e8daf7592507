// Issue 14: the requester's estimate of a bidder's free slots, from the bid's stated free slots
// and its own awards since (node/market/bidder-slots.ts). Pure logic, no network.
import { expect } from 'chai'
import { BidderSlots } from '../../../node/market/bidder-slots.ts'

describe('node/market BidderSlots', () => {
  it('a bid that states no slots is never taken for full', () => {
    const slots = new BidderSlots()
    const mark = slots.mark('p', 0)
    expect(mark).to.equal(undefined)
    slots.taken('p', 'j1')
    slots.taken('p', 'j2')
    expect(slots.likelyFull('p', mark)).to.equal(false)
  })

  it('full once our awards since the bid took every slot it stated', () => {
    const slots = new BidderSlots()
    const mark = slots.mark('p', 2)
    expect(slots.likelyFull('p', mark)).to.equal(false)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark), 'one of two taken').to.equal(false)
    slots.taken('p', 'j2')
    expect(slots.likelyFull('p', mark), 'both taken').to.equal(true)
    // another provider's awards are not this one's
    expect(slots.likelyFull('q', slots.mark('q', 1))).to.equal(false)
  })

  it('awards held before the bid came are already left out of what it states', () => {
    const slots = new BidderSlots()
    slots.taken('p', 'j0')
    const mark = slots.mark('p', 1) // signed while j0 ran: one more free
    expect(slots.likelyFull('p', mark)).to.equal(false)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark)).to.equal(true)
  })

  it('a slot frees when one of our awards ends, including one held before the bid', () => {
    const slots = new BidderSlots()
    slots.taken('p', 'j0')
    const mark = slots.mark('p', 1)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark)).to.equal(true)
    slots.released('p', 'j0')
    expect(slots.likelyFull('p', mark), 'j0 ended: its slot is free').to.equal(false)
    slots.released('p', 'j1')
    slots.released('p', 'j1') // a result then a re-award of the same award: once
    expect(slots.count('p')).to.equal(0)
    expect(slots.size, 'nothing kept for a provider holding none of ours').to.equal(0)
  })
})
