import { expect } from 'chai'
import { LruCache } from '../../../node/util/lru-cache.ts'

describe('node/util LruCache', () => {
  it('keeps at most maxEntries, evicting the least recently used first', () => {
    const evicted: string[] = []
    const c = new LruCache<number>({ maxEntries: 2, onEvict: (k) => evicted.push(k) })
    c.set('a', 1)
    c.set('b', 2)
    expect(c.get('a')).to.equal(1) // a is now the most recent
    c.set('c', 3)
    expect(evicted).to.deep.equal(['b'])
    expect(c.get('b')).to.equal(undefined)
    expect(c.size).to.equal(2)
  })

  it('forgets an entry ttlMs after it was set', () => {
    let now = 0
    const evicted: string[] = []
    const c = new LruCache<number>({ maxEntries: 10, ttlMs: 100, now: () => now, onEvict: (k) => evicted.push(k) })
    c.set('a', 1)
    now = 99
    expect(c.get('a')).to.equal(1)
    now = 100
    expect(c.get('a')).to.equal(undefined)
    expect(evicted).to.deep.equal(['a'])
    expect(c.size).to.equal(0)
  })
})
