import { expect } from 'chai'
import fc from 'fast-check'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'

describe('protocol/market SeenCache', () => {
  it('remembers a key for ttlMs, then forgets it', () => {
    const c = new SeenCache({ capacity: 10, ttlMs: 100 })
    expect(c.add('a', 0)).to.equal(true)
    expect(c.add('a', 50)).to.equal(false)
    expect(c.has('a', 99)).to.equal(true)
    expect(c.has('a', 100)).to.equal(false)
    expect(c.add('a', 100)).to.equal(true)
    expect(c.has('a', 150)).to.equal(true)
  })

  it('forget drops one key at once (an award declined for capacity may come again); others stay', () => {
    const c = new SeenCache({ capacity: 10, ttlMs: 100 })
    c.add('a', 0)
    c.add('b', 0)
    c.forget('a')
    c.forget('never-seen')
    expect(c.has('a', 1)).to.equal(false)
    expect(c.add('a', 1)).to.equal(true)
    expect(c.add('b', 1)).to.equal(false)
    expect(c.size).to.equal(2)
  })

  it('never holds more than its capacity and counts early evictions', () => {
    const c = new SeenCache({ capacity: 3, ttlMs: 1000 })
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) c.add(k, i)
    expect(c.size).to.equal(3)
    expect(c.evictedEarly).to.equal(2)
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => c.has(k, 10))).to.deep.equal([false, false, true, true, true])
  })

  it('expired entries make room without counting as early evictions', () => {
    const c = new SeenCache({ capacity: 2, ttlMs: 10 })
    c.add('a', 0)
    c.add('b', 1)
    c.add('c', 20)
    expect(c.size).to.equal(1)
    expect(c.evictedEarly).to.equal(0)
  })

  it('refuses nonsense settings', () => {
    expect(() => new SeenCache({ capacity: 0, ttlMs: 1 })).to.throw(RangeError)
    expect(() => new SeenCache({ capacity: 1, ttlMs: 0 })).to.throw(RangeError)
  })

  it(
    'property: with time moving forward, has() is true exactly for keys added' +
      ' within ttl that were not evicted, and size stays bounded',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 50 }),
          fc.array(
            fc.tuple(
              fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'),
              fc.integer({ min: 0, max: 20 }),
            ),
            { maxLength: 60 },
          ),
          (capacity, ttlMs, ops) => {
            const c = new SeenCache({ capacity, ttlMs })
            let now = 0
            const model = new Map<string, number>() // key -> added at, among the live entries
            for (const [key, step] of ops) {
              now += step
              for (const [k, at] of model) if (at + ttlMs <= now) model.delete(k)
              const fresh = !model.has(key)
              expect(c.add(key, now)).to.equal(fresh)
              if (fresh) {
                if (model.size >= capacity) model.delete([...model.entries()].sort((x, y) => x[1] - y[1])[0][0])
                model.set(key, now)
              }
              expect(c.size).to.be.at.most(capacity)
              for (const k of 'abcdefghij') expect(c.has(k, now)).to.equal(model.has(k))
            }
          },
        ),
      )
    },
  )
})
