// Issue 14: the requester's estimate of a bidder's free slots, from what the bid states (free, and
// held for this requester) and its own awards now (node/market/bidder-slots.ts). Pure logic.
import { expect } from 'chai'
import { BidderSlots } from '../../../node/market/bidder-slots.ts'

describe('node/market BidderSlots', () => {
  it('a bid that states no slots is never taken for full', () => {
    const slots = new BidderSlots()
    const mark = slots.mark(0, 0)
    expect(mark).to.equal(undefined)
    slots.taken('p', 'j1')
    slots.taken('p', 'j2')
    expect(slots.likelyFull('p', mark)).to.equal(false)
  })

  it('full once awards of ours the bid did not count took every slot it stated free', () => {
    const slots = new BidderSlots()
    const mark = slots.mark(2, 0)
    expect(slots.likelyFull('p', mark)).to.equal(false)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark), 'one of two taken').to.equal(false)
    slots.taken('p', 'j2')
    expect(slots.likelyFull('p', mark), 'both taken').to.equal(true)
    // another provider's awards are not this one's
    expect(slots.likelyFull('q', slots.mark(1, 0))).to.equal(false)
  })

  it('an award of ours the provider held as it signed is already left out of what it states free', () => {
    const slots = new BidderSlots()
    slots.taken('p', 'j0')
    const mark = slots.mark(1, 1) // signed while j0 ran: one more free
    expect(slots.likelyFull('p', mark)).to.equal(false)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark)).to.equal(true)
  })

  it('an award that crossed the bid on the wire counts against it', () => {
    // sent before the bid came, but the provider had not received it when it signed
    const slots = new BidderSlots()
    slots.taken('p', 'j0')
    const mark = slots.mark(1, 0)
    expect(slots.likelyFull('p', mark)).to.equal(true)
  })

  it('a slot frees when one of our awards ends, including one held before the bid', () => {
    const slots = new BidderSlots()
    slots.taken('p', 'j0')
    const mark = slots.mark(1, 1)
    slots.taken('p', 'j1')
    expect(slots.likelyFull('p', mark)).to.equal(true)
    slots.released('p', 'j0')
    expect(slots.likelyFull('p', mark), 'j0 ended: its slot is free').to.equal(false)
    expect(slots.released('p', 'j1')).to.equal(true)
    expect(slots.released('p', 'j1'), 'a result then a re-award of the same award: freed once').to.equal(false)
    expect(slots.count('p')).to.equal(0)
    expect(slots.size, 'nothing kept for a provider holding none of ours').to.equal(0)
  })
})
