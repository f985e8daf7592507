import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  bySelectivity,
  capabilityKey,
  capabilityTags,
  filterTags,
  lookupTag,
  normalizeArch,
  normalizeGpuVendor,
  profileMatchesFilter,
} from '../../protocol/capabilities.ts'
import type { CapabilityFilter } from '../../protocol/capabilities.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'

const GIB = 1024 ** 3

function profile(over: Partial<HardwareProfile> = {}): HardwareProfile {
  return {
    version: 1,
    peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
    cpu: { model: 'cpu', cores: 8, threads: 16, arch: 'x64', speedMhz: 3000 },
    memoryBytes: 16 * GIB,
    gpus: [],
    os: { platform: 'linux', distro: 'd', release: 'r', kernel: 'k' },
    benchmark: { cpuScore: 1000, durationMs: 1000 },
    executors: ['wasm'],
    prices: {},
    issuedAt: 1,
    expiresAt: 2,
    ...over,
  }
}

describe('protocol/capabilities', () => {
  const tagCases: Array<[string, Partial<HardwareProfile>, string[]]> = [
    [
      'a 16 GiB x64 box with a score of 1000',
      {},
      ['arch/x86_64', 'cpu/score-500+', 'executor/wasm', 'mem/16g+', 'mem/4g+', 'role/provider'],
    ],
    [
      'a 15.5 GiB arm64 box with an NVIDIA and an AMD GPU, score 2000',
      {
        cpu: { model: 'm', cores: 4, threads: 4, arch: 'arm64', speedMhz: 0 },
        memoryBytes: 15.5 * GIB,
        gpus: [
          { vendor: 'NVIDIA Corporation', model: 'x', vramMiB: 1 },
          { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'y', vramMiB: 1 },
        ],
        benchmark: { cpuScore: 2000, durationMs: 1000 },
        executors: ['wasm', 'docker'],
      },
      [
        'arch/aarch64',
        'cpu/score-2000+',
        'cpu/score-500+',
        'executor/docker',
        'executor/wasm',
        'gpu/amd',
        'gpu/nvidia',
        'mem/4g+',
        'role/provider',
      ],
    ],
    [
      'a big box (512 GiB, score 9000)',
      { memoryBytes: 512 * GIB, benchmark: { cpuScore: 9000, durationMs: 1000 } },
      [
        'arch/x86_64',
        'cpu/score-2000+',
        'cpu/score-500+',
        'cpu/score-8000+',
        'executor/wasm',
        'mem/16g+',
        'mem/256g+',
        'mem/4g+',
        'mem/64g+',
        'role/provider',
      ],
    ],
    [
      'a tiny box (2 GiB, score 10, no executors)',
      {
        memoryBytes: 2 * GIB,
        benchmark: { cpuScore: 10, durationMs: 1000 },
        executors: [],
      },
      ['arch/x86_64', 'role/provider'],
    ],
  ]
  for (const [what, over, expected] of tagCases) {
    it(`tags ${what}`, () => {
      expect(capabilityTags(profile(over))).to.deep.equal(expected)
    })
  }

  const filterCases: Array<[CapabilityFilter, string[], string]> = [
    [{}, ['role/provider'], 'role/provider'],
    [{ executor: 'wasm' }, ['executor/wasm', 'role/provider'], 'executor/wasm'],
    [{ executor: 'wasm', gpuVendor: 'NVIDIA' }, ['gpu/nvidia', 'executor/wasm', 'role/provider'], 'gpu/nvidia'],
    // 10 GiB is not a bucket: a 12 GiB box only provided mem/4g+, so that is the key to walk
    [{ minMemoryBytes: 10 * GIB }, ['mem/4g+', 'role/provider'], 'mem/4g+'],
    [{ minMemoryBytes: 2 * GIB }, ['role/provider'], 'role/provider'],
    [{ minCpuScore: 3000, executor: 'wasm' }, ['executor/wasm', 'cpu/score-2000+', 'role/provider'], 'cpu/score-2000+'],
    [{ arch: 'arm64', executor: 'wasm' }, ['executor/wasm', 'arch/aarch64', 'role/provider'], 'arch/aarch64'],
    [
      { executor: 'docker', minMemoryBytes: 64 * GIB },
      ['executor/docker', 'mem/64g+', 'role/provider'],
      'executor/docker',
    ],
    [{ executor: 'wasm', minMemoryBytes: 300 * GIB }, ['executor/wasm', 'mem/256g+', 'role/provider'], 'mem/256g+'],
  ]
  for (const [filter, tags, walk] of filterCases) {
    it(`maps ${JSON.stringify(filter)} to ${walk}`, () => {
      expect(filterTags(filter)).to.deep.equal(tags)
      expect(lookupTag(filter)).to.equal(walk)
    })
  }

  it('every tag a filter implies is provided by every profile that matches it (randomised)', () => {
    let seed = 42
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const vendors = ['NVIDIA', 'AMD', 'Intel Corporation', 'Apple']
    for (let i = 0; i < 500; i++) {
      const p = profile({
        memoryBytes: ((1 + rnd(600)) * GIB) / 4,
        benchmark: { cpuScore: rnd(10_000), durationMs: 1000 },
        gpus: rnd(2) === 0 ? [] : [{ vendor: vendors[rnd(4)], model: 'g', vramMiB: 1 }],
        cpu: { model: 'c', cores: 1, threads: 1, arch: ['x64', 'arm64'][rnd(2)], speedMhz: 0 },
        executors: rnd(3) === 0 ? ['wasm', 'docker'] : ['wasm'],
      })
      const f: CapabilityFilter = {
        ...(rnd(2) === 0 ? { minMemoryBytes: (rnd(200) * GIB) / 2 } : {}),
        ...(rnd(2) === 0 ? { minCpuScore: rnd(10_000) } : {}),
        ...(rnd(3) === 0 ? { gpuVendor: vendors[rnd(4)].toLowerCase() } : {}),
        ...(rnd(3) === 0 ? { executor: ['wasm', 'docker'][rnd(2)] } : {}),
        ...(rnd(4) === 0 ? { arch: ['x86_64', 'aarch64'][rnd(2)] } : {}),
      }
      if (!profileMatchesFilter(p, f)) continue
      const provided = new Set(capabilityTags(p))
      for (const t of filterTags(f)) expect(provided.has(t), `${t} for ${JSON.stringify(f)}`).to.equal(true)
    }
  })

  it("orders a profile's tags rarest first for announcing", () => {
    const p = profile({ gpus: [{ vendor: 'nvidia', model: 'g', vramMiB: 1 }], memoryBytes: 64 * GIB })
    expect(bySelectivity(capabilityTags(p))).to.deep.equal([
      'gpu/nvidia',
      'mem/64g+',
      'mem/16g+',
      'mem/4g+',
      'cpu/score-500+',
      'arch/x86_64',
      'executor/wasm',
      'role/provider',
    ])
  })

  it('filters exactly on the verified profile', () => {
    const p = profile({ memoryBytes: 12 * GIB, gpus: [{ vendor: 'NVIDIA Corporation', model: 'x', vramMiB: 1 }] })
    expect(profileMatchesFilter(p, { minMemoryBytes: 12 * GIB })).to.equal(true)
    expect(profileMatchesFilter(p, { minMemoryBytes: 12 * GIB + 1 })).to.equal(false)
    expect(profileMatchesFilter(p, { gpuVendor: 'nvidia' })).to.equal(true)
    expect(profileMatchesFilter(p, { gpuVendor: 'amd' })).to.equal(false)
    expect(profileMatchesFilter(p, { executor: 'docker' })).to.equal(false)
    expect(profileMatchesFilter(p, { arch: 'x86_64', minCpuScore: 1000 })).to.equal(true)
    expect(profileMatchesFilter(p, { minCpuScore: 1001 })).to.equal(false)
  })

  it('normalises architecture and vendor spellings', () => {
    expect(['x64', 'AMD64', 'x86_64'].map(normalizeArch)).to.deep.equal(['x86_64', 'x86_64', 'x86_64'])
    expect(['arm64', 'aarch64'].map(normalizeArch)).to.deep.equal(['aarch64', 'aarch64'])
    expect(
      [
        'NVIDIA Corporation',
        'Advanced Micro Devices, Inc. [AMD/ATI]',
        'Intel Corporation',
        'Apple',
        'ASPEED Technology, Inc.',
      ].map(normalizeGpuVendor),
    ).to.deep.equal(['nvidia', 'amd', 'intel', 'apple', 'other'])
  })

  it('derives capability keys as CIDv1 of sha2-256("hive/cap/1/" + tag)', async () => {
    const cid = await capabilityKey('gpu/nvidia')
    const expected = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('hive/cap/1/gpu/nvidia')))
    expect(cid.toString()).to.equal(expected.toString())
    expect((await capabilityKey('gpu/amd')).toString()).to.not.equal(cid.toString())
  })
})
