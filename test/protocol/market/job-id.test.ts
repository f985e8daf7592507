import { createHash } from 'node:crypto'
import { expect } from 'chai'
import fc from 'fast-check'
import { JobSpec, PaymentMode } from '../../../protocol/gen/market.ts'
import { buildJobSpec, createJobRequest } from '../../../protocol/market/build.ts'
import { computeJobId, isJobId, jobIdFromBytes, jobIdToBytes, jobIdToBytes32 } from '../../../protocol/market/job-id.ts'
import { cidOf, expectMarketError, jobInput, keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

describe('protocol/market job id', () => {
  let key: Ed25519PrivateKey
  let other: Ed25519PrivateKey
  before(async () => {
    key = await keyFromSeed(1)
    other = await keyFromSeed(2)
  })

  it('is the sha-256 of the encoded spec, as 64 hex characters', () => {
    const spec = buildJobSpec(jobInput(), peerOf(key))
    const id = computeJobId(spec)
    expect(id).to.equal(createHash('sha256').update(JobSpec.encode(spec)).digest('hex'))
    expect(isJobId(id)).to.equal(true)
    expect(jobIdFromBytes(jobIdToBytes(id))).to.equal(id)
    expect(jobIdToBytes32(id)).to.equal(`0x${id}`)
  })

  it('is deterministic: same content gives the same id, through building, encoding and decoding', async () => {
    const a = buildJobSpec(jobInput(), peerOf(key))
    const b = buildJobSpec(jobInput(), peerOf(key))
    expect(computeJobId(a)).to.equal(computeJobId(b))
    expect(computeJobId(JobSpec.decode(JobSpec.encode(a)))).to.equal(computeJobId(a))
    const r1 = await createJobRequest(jobInput(), key, ['/ip4/127.0.0.1/tcp/1'])
    const r2 = await createJobRequest(jobInput(), key, ['/ip4/10.0.0.1/tcp/2', '/dns4/example.com/tcp/3'])
    expect(r1.jobId).to.equal(computeJobId(a)) // requester addresses are transport, not content
    expect(r2.jobId).to.equal(r1.jobId)
  })

  // Every field of JobSpec, changed one at a time. The completeness check below makes sure a
  // field added to the .proto later gets a row here (and so is proven part of the id).
  const mutations: Record<keyof JobSpec, (s: JobSpec, other: Uint8Array) => void> = {
    executor: (s) => {
      s.executor = 'wasm2'
    },
    module: (s) => {
      s.module = cidOf('other module').bytes as Uint8Array<ArrayBuffer>
    },
    moduleSize: (s) => {
      s.moduleSize++
    },
    inputs: (s) => {
      s.inputs[0].size++
    },
    args: (s) => {
      s.args = [...s.args].reverse()
    },
    limits: (s) => {
      s.limits!.wallTimeMs++
    },
    tolerances: (s) => {
      s.tolerances = [{ output: '', atol: '0.001', rtol: '0' }]
    },
    requirements: (s) => {
      s.requirements!.minCpuScore++
    },
    maxPrice: (s) => {
      s.maxPrice = '1000001'
    },
    token: (s) => {
      s.token = '0x' + '1'.repeat(40)
    },
    payment: (s) => {
      s.payment = PaymentMode.PAYMENT_CHANNEL
    },
    redundancy: (s) => {
      s.redundancy = 2
    },
    bidWindowMs: (s) => {
      s.bidWindowMs++
    },
    deadline: (s) => {
      s.deadline++
    },
    createdAt: (s) => {
      s.createdAt++
    },
    nonce: (s) => {
      s.nonce = new Uint8Array(16).fill(8)
    },
    requester: (s, o) => {
      s.requester = o as Uint8Array<ArrayBuffer>
    },
    requesterEthAddress: (s) => {
      s.requesterEthAddress = '0x' + 'a'.repeat(40)
    },
    maxBidders: (s) => {
      s.maxBidders++
    },
    providerEstimate: (s) => {
      s.providerEstimate++
    },
    payOnAward: (s) => {
      s.payOnAward = !s.payOnAward
    },
  }

  it('covers every JobSpec field in the mutation table', () => {
    expect(Object.keys(mutations).sort()).to.deep.equal(Object.keys(buildJobSpec(jobInput(), peerOf(key))).sort())
  })

  for (const [field, mutate] of Object.entries(mutations)) {
    it(`changes when ${field} changes`, () => {
      const base = buildJobSpec(jobInput(), peerOf(key))
      const changed = JobSpec.decode(JobSpec.encode(base))
      mutate(changed, peerOf(other).toMultihash().bytes)
      expect(computeJobId(changed)).to.not.equal(computeJobId(base))
    })
  }

  it('changes with input order and names, not only values', () => {
    const two = jobInput({
      inputs: [
        { name: 'a', cid: cidOf('a'), size: 1 },
        { name: 'b', cid: cidOf('b'), size: 1 },
      ],
    })
    const swapped = { ...two, inputs: [...two.inputs!].reverse() }
    const renamed = { ...two, inputs: [{ ...two.inputs![0], name: 'c' }, two.inputs![1]] }
    const ids = [two, swapped, renamed].map((i) => computeJobId(buildJobSpec(i, peerOf(key))))
    expect(new Set(ids).size).to.equal(3)
  })

  it('rejects wire ids that are not 32 bytes, and text that is not an id', async () => {
    await expectMarketError(() => jobIdFromBytes(new Uint8Array(31)), 'MALFORMED', 'REJECT')
    expect(isJobId('AB'.repeat(32))).to.equal(false)
    expect(() => jobIdToBytes('zz')).to.throw(TypeError)
  })

  it('property: distinct nonces or creation times give distinct ids; equal inputs equal ids', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        fc.integer({ min: 0, max: 1000 }),
        (n1, n2, dt) => {
          const a = computeJobId(buildJobSpec(jobInput({ nonce: n1, createdAt: NOW + dt }), peerOf(key)))
          const b = computeJobId(buildJobSpec(jobInput({ nonce: n2, createdAt: NOW }), peerOf(key)))
          const same = dt === 0 && Buffer.from(n1).equals(Buffer.from(n2))
          return (a === b) === same
        },
      ),
    )
  })
})
