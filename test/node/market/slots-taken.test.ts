// Issues 14, 16: a provider's slots free when a job's run is over, not when its result has been
// delivered — but only `capacity` deliveries are let off (node/market/slots-taken.ts). Attack:
// a requester that never takes its results, awarding job after job.
import { expect } from 'chai'
import { slotsTaken } from '../../../node/market/slots-taken.ts'

describe('node/market slotsTaken', () => {
  it('a job whose run is over and whose result is being sent holds no slot', () => {
    expect(slotsTaken(1, 0, 1), 'running').to.equal(1)
    expect(slotsTaken(1, 1, 1), 'delivering').to.equal(0)
    expect(slotsTaken(3, 1, 2), 'two running, one delivering').to.equal(2)
  })

  it('a requester that never takes its results gets at most `capacity` deliveries let off', () => {
    // capacity 1: one job delivering frees the slot for a second; once that one delivers too
    // (its requester unreachable as well), the node is full until a delivery ends or gives up
    expect(slotsTaken(2, 1, 1)).to.equal(1)
    expect(slotsTaken(2, 2, 1), 'two outputs held: full').to.equal(1)
    expect(slotsTaken(5, 5, 2), 'five outputs held, capacity 2: full and over').to.equal(3)
  })
})
