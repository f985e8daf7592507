import { expect } from 'chai'
import { ProfileCache } from '../../../node/discovery/cache.ts'
import type { HardwareProfile } from '../../../protocol/profile.ts'

function profile(peerId: string, issuedAt: number, expiresAt: number): HardwareProfile {
  return {
    version: 1,
    peerId,
    issuedAt,
    expiresAt,
    executors: ['wasm'],
    prices: {},
    cpu: { model: 'c', cores: 1, threads: 1, arch: 'x64', speedMhz: 0 },
    memoryBytes: 1,
    gpus: [],
    os: { platform: 'linux', distro: '', release: '', kernel: '' },
    benchmark: { cpuScore: 1, durationMs: 1 },
  }
}

describe('node/discovery: profile cache', () => {
  it('serves a profile until it expires, and keeps the newer of two', () => {
    const c = new ProfileCache()
    c.set(profile('a', 100, 200), 100)
    expect(c.get('a', 199)?.issuedAt).to.equal(100)
    c.set(profile('a', 50, 300), 150) // older issue: ignored
    expect(c.get('a', 199)?.issuedAt).to.equal(100)
    c.set(profile('a', 150, 400), 150)
    expect(c.get('a', 350)?.issuedAt).to.equal(150)
    expect(c.get('a', 400)).to.equal(undefined)
    expect(c.size).to.equal(0)
  })

  it('remembers missing profiles for a while, and forgets them when one arrives', () => {
    const c = new ProfileCache()
    c.markMissing('b', 1000)
    expect(c.isMissing('b', 999)).to.equal(true)
    expect(c.isMissing('b', 1000)).to.equal(false)
    c.markMissing('b', 2000)
    c.set(profile('b', 1500, 5000), 1500)
    expect(c.isMissing('b', 1600)).to.equal(false)
  })

  it('stays within its bound, evicting what expires first', () => {
    const c = new ProfileCache(3)
    c.set(profile('x', 0, 100), 0)
    c.set(profile('y', 0, 50), 0)
    c.set(profile('z', 0, 300), 0)
    c.set(profile('w', 0, 200), 0)
    expect(c.size).to.equal(3)
    expect(c.get('y', 1)).to.equal(undefined)
    expect(c.get('x', 1)?.peerId).to.equal('x')
  })
})
