import { createHash } from 'node:crypto'
import { expect } from 'chai'
import {
  gossipMessageId,
  jobShard,
  jobShardTopic,
  jobShardTopics,
  jobsTopic,
  MAX_JOB_SHARDS,
  providerShards,
} from '../../protocol/topics.ts'

const idOf = (n: number): string => createHash('sha256').update(`job ${n}`).digest('hex')

describe('protocol/topics: job shards', () => {
  it('one shard is the unsharded topic; more name the count and the shard', () => {
    expect(jobShardTopic('wasm', 0, 1)).to.equal(jobsTopic('wasm'))
    expect(jobShardTopic('wasm', 3, 16)).to.equal('hive/jobs/wasm/1/16/3')
    expect(jobShardTopics('wasm', 4)).to.deep.equal([
      'hive/jobs/wasm/1/4/0',
      'hive/jobs/wasm/1/4/1',
      'hive/jobs/wasm/1/4/2',
      'hive/jobs/wasm/1/4/3',
    ])
    for (const [shard, shards] of [
      [4, 4],
      [-1, 4],
      [0, 0],
      [0, MAX_JOB_SHARDS + 1],
      [0.5, 4],
    ]) {
      expect(() => jobShardTopic('wasm', shard, shards), `${shard}/${shards}`).to.throw(TypeError)
    }
    expect(() => jobShardTopic('../x', 0, 4)).to.throw(TypeError)
  })

  it("a job's shard is its id's first 32 bits modulo the count: the same everywhere, spread evenly", () => {
    expect(jobShard('0000000a' + '0'.repeat(56), 16)).to.equal(10)
    expect(jobShard('ffffffff' + '0'.repeat(56), 1)).to.equal(0)
    const counts = new Array<number>(16).fill(0)
    for (let i = 0; i < 16_000; i++) counts[jobShard(idOf(i), 16)]++
    // 1,000 expected per shard; a binomial sd is ~31, so ±150 fails only on a broken hash split
    for (const c of counts) expect(c).to.be.within(850, 1150)
    expect(() => jobShard('not hex', 16)).to.throw(TypeError)
  })

  it('a provider joins `count` consecutive shards from a point fixed by its peer id (all when count is 0)', () => {
    expect(providerShards('12D3KooWA', 8, 0)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7])
    expect(providerShards('12D3KooWA', 8, 99)).to.have.length(8)
    const mine = providerShards('12D3KooWA', 64, 4)
    expect(mine).to.have.length(4)
    expect(providerShards('12D3KooWA', 64, 4)).to.deep.equal(mine)
    for (let i = 1; i < 4; i++) expect(mine[i]).to.equal((mine[0] + i) % 64)
    // many providers cover every shard about equally
    const cover = new Array<number>(64).fill(0)
    for (let p = 0; p < 6400; p++) for (const s of providerShards(`peer-${p}`, 64, 4)) cover[s]++
    for (const c of cover) expect(c).to.be.within(300, 500)
  })

  it('a job published to its shard reaches exactly the providers that joined that shard', () => {
    const shards = 32
    const providers = Array.from({ length: 200 }, (_, i) => ({
      id: `p${i}`,
      joined: new Set(providerShards(`p${i}`, shards, 2)),
    }))
    for (let j = 0; j < 50; j++) {
      const topic = jobShardTopic('wasm', jobShard(idOf(j), shards), shards)
      const hearing = providers.filter((p) => [...p.joined].some((s) => jobShardTopic('wasm', s, shards) === topic))
      expect(hearing.length).to.be.below(40) // ≈ 200 × 2 ÷ 32 = 12.5 on average, never all 200
    }
  })
})

describe('protocol/topics: gossip message ids', () => {
  it('are the sha-256 of the bytes: equal bytes give the same id, any changed byte another', () => {
    const a = new TextEncoder().encode('a signed envelope')
    expect(Buffer.from(gossipMessageId(a)).toString('hex')).to.equal(createHash('sha256').update(a).digest('hex'))
    expect(gossipMessageId(Uint8Array.from(a))).to.deep.equal(gossipMessageId(a))
    const b = Uint8Array.from(a)
    b[0] ^= 1
    expect(gossipMessageId(b)).to.not.deep.equal(gossipMessageId(a))
  })
})
