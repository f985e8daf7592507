import { expect } from 'chai'
import { JobRequest, MessageType, PaymentMode } from '../../../protocol/gen/market.ts'
import { MAX_MESSAGE_BYTES, DEFAULT_CLOCK_SKEW_MS } from '../../../protocol/market/bounds.ts'
import { createJobRequest, signBid } from '../../../protocol/market/build.ts'
import { sealEnvelope } from '../../../protocol/market/envelope.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { corruptSignature, expectMarketError, jobInput, keyFromSeed, NOW, peerOf, rawJobRequest } from './fixtures.ts'
import type { JobSpec } from '../../../protocol/gen/market.ts'
import type { JobSpecInput } from '../../../protocol/market/build.ts'
import type { MarketErrorCode } from '../../../protocol/market/errors.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const GiB = 1024 * 1024 * 1024

describe('protocol/market validateJobRequest', () => {
  let key: Ed25519PrivateKey
  let other: Ed25519PrivateKey
  before(async () => {
    key = await keyFromSeed(1)
    other = await keyFromSeed(2)
  })

  it('accepts a request built by createJobRequest and returns its typed view', async () => {
    const created = await createJobRequest(jobInput(), key, ['/ip4/127.0.0.1/tcp/4001'])
    const valid = await validateJobRequest(created.bytes, { now: NOW + 10 })
    expect(valid.jobId).to.equal(created.jobId)
    expect(valid.requester.equals(peerOf(key))).to.equal(true)
    expect(valid.maxPrice).to.equal(1_000_000n)
    expect(valid.bidsCloseAt).to.equal(NOW + 200)
    expect(valid.module.equals(jobInput().module)).to.equal(true)
    expect(valid.inputs.map((i) => i.name)).to.deep.equal(['input.txt'])
    expect(valid.requesterAddrs.map((a) => a.toString())).to.deep.equal(['/ip4/127.0.0.1/tcp/4001'])
    expect(valid.spec.payment).to.equal(PaymentMode.PAYMENT_ESCROW)
    expect(valid.bytes).to.equal(created.bytes)
  })

  it('ignores a replay of a request it already accepted', async () => {
    const seen = new SeenCache({ capacity: 100, ttlMs: 120_000 })
    const { bytes } = await createJobRequest(jobInput(), key)
    await validateJobRequest(bytes, { now: NOW, seen })
    await expectMarketError(() => validateJobRequest(bytes, { now: NOW + 1, seen }), 'DUPLICATE', 'IGNORE')
  })

  it('does not remember a request that failed validation', async () => {
    const seen = new SeenCache({ capacity: 100, ttlMs: 120_000 })
    const bytes = await rawJobRequest(key)
    await expectMarketError(
      () => validateJobRequest(corruptSignature(bytes), { now: NOW, seen }),
      'BAD_SIGNATURE',
      'REJECT',
    )
    expect(seen.size).to.equal(0)
    await validateJobRequest(bytes, { now: NOW, seen })
  })

  it('times: expired and from-the-future requests are ignored, with the clock skew tolerated', async () => {
    const bytes = await rawJobRequest(key)
    const closes = NOW + 200
    await validateJobRequest(bytes, { now: closes + DEFAULT_CLOCK_SKEW_MS })
    await expectMarketError(
      () => validateJobRequest(bytes, { now: closes + DEFAULT_CLOCK_SKEW_MS + 1 }),
      'JOB_EXPIRED',
      'IGNORE',
    )
    await expectMarketError(
      () => validateJobRequest(bytes, { now: closes + 1, clockSkewMs: 0 }),
      'JOB_EXPIRED',
      'IGNORE',
    )
    await validateJobRequest(bytes, { now: NOW - DEFAULT_CLOCK_SKEW_MS })
    await expectMarketError(
      () => validateJobRequest(bytes, { now: NOW - DEFAULT_CLOCK_SKEW_MS - 1 }),
      'FROM_FUTURE',
      'IGNORE',
    )
  })

  it(
    'rejects what no honest peer sends: oversized, garbage, wrong' + ' type, bad signature, wrong signer, id mismatch',
    async () => {
      const bytes = await rawJobRequest(key)
      const oversized = new Uint8Array(MAX_MESSAGE_BYTES.jobRequest + 1)
      await expectMarketError(() => validateJobRequest(oversized, { now: NOW }), 'OVERSIZED', 'REJECT')
      await expectMarketError(
        () => validateJobRequest(new Uint8Array([0xff, 0xff, 0xff]), { now: NOW }),
        'MALFORMED',
        'REJECT',
      )
      await expectMarketError(
        () => validateJobRequest(bytes.subarray(0, bytes.length - 10), { now: NOW }),
        'MALFORMED',
        'REJECT',
      )
      const bid = await signBid(
        { jobId: 'ab'.repeat(32), price: 5n, estimatedDurationMs: 10, expiresAt: NOW + 1000 },
        key,
      )
      await expectMarketError(() => validateJobRequest(bid, { now: NOW }), 'WRONG_TYPE', 'REJECT')
      await expectMarketError(
        () => validateJobRequest(corruptSignature(bytes), { now: NOW }),
        'BAD_SIGNATURE',
        'REJECT',
      )
      const impostor = await rawJobRequest(other, jobInput(), { named: peerOf(key) })
      await expectMarketError(() => validateJobRequest(impostor, { now: NOW }), 'SIGNER_MISMATCH', 'REJECT')
      const tampered = await rawJobRequest(key, jobInput(), {
        mutateAfterId: (s) => {
          s.args = ['other']
        },
      })
      await expectMarketError(() => validateJobRequest(tampered, { now: NOW }), 'JOB_ID_MISMATCH', 'REJECT')
      const tooManyInputs = await rawJobRequest(key, jobInput(), {
        mutateAfterId: (s) => {
          s.inputs = Array.from({ length: 65 }, () => s.inputs[0])
        },
      })
      await expectMarketError(() => validateJobRequest(tooManyInputs, { now: NOW }), 'MALFORMED', 'REJECT')
      const spec = (await validateJobRequest(bytes, { now: NOW })).spec
      const noSpec = await sealEnvelope(
        MessageType.JOB_REQUEST,
        JobRequest.encode({ jobId: new Uint8Array(32), requesterAddrs: [] }),
        key,
      )
      await expectMarketError(() => validateJobRequest(noSpec, { now: NOW }), 'MALFORMED', 'REJECT')
      const shortId = await sealEnvelope(
        MessageType.JOB_REQUEST,
        JobRequest.encode({ jobId: new Uint8Array(31), spec, requesterAddrs: [] }),
        key,
      )
      await expectMarketError(() => validateJobRequest(shortId, { now: NOW }), 'MALFORMED', 'REJECT')
    },
  )

  const inputCases: Array<[string, Partial<JobSpecInput>, MarketErrorCode]> = [
    ['zero max price', { maxPrice: 0n }, 'INVALID_AMOUNT'],
    ['redundancy 0', { redundancy: 0 }, 'REDUNDANCY_OUT_OF_RANGE'],
    ['redundancy 10', { redundancy: 10 }, 'REDUNDANCY_OUT_OF_RANGE'],
    ['memory 0', { limits: { memoryBytes: 0, wallTimeMs: 1000, outputBytes: 1 } }, 'LIMITS_OUT_OF_RANGE'],
    [
      'memory over 4 GiB',
      { limits: { memoryBytes: 4 * GiB + 1, wallTimeMs: 1000, outputBytes: 1 } },
      'LIMITS_OUT_OF_RANGE',
    ],
    ['wall time 0', { limits: { memoryBytes: GiB, wallTimeMs: 0, outputBytes: 1 } }, 'LIMITS_OUT_OF_RANGE'],
    [
      'wall time over a day',
      { limits: { memoryBytes: GiB, wallTimeMs: 86_400_001, outputBytes: 1 } },
      'LIMITS_OUT_OF_RANGE',
    ],
    ['output 0', { limits: { memoryBytes: GiB, wallTimeMs: 10, outputBytes: 0 } }, 'LIMITS_OUT_OF_RANGE'],
    [
      'output over 256 MiB',
      { limits: { memoryBytes: GiB, wallTimeMs: 10, outputBytes: GiB / 4 + 1 } },
      'LIMITS_OUT_OF_RANGE',
    ],
    ['upper-case executor', { executor: 'WASM' }, 'INVALID_FIELD'],
    ['executor with a slash', { executor: 'wasm/2' }, 'INVALID_FIELD'],
    [
      'input name with a path',
      { inputs: [{ name: '../etc/passwd', cid: jobInput().module, size: 1 }] },
      'INVALID_FIELD',
    ],
    ['input named ..', { inputs: [{ name: '..', cid: jobInput().module, size: 1 }] }, 'INVALID_FIELD'],
    [
      'duplicate input names',
      {
        inputs: [
          { name: 'a', cid: jobInput().module, size: 1 },
          { name: 'a', cid: jobInput().module, size: 2 },
        ],
      },
      'INVALID_FIELD',
    ],
    ['input size 0', { inputs: [{ name: 'a', cid: jobInput().module, size: 0 }] }, 'INVALID_FIELD'],
    ['module size 0', { moduleSize: 0 }, 'INVALID_FIELD'],
    ['one arg too long', { args: ['x'.repeat(1025)] }, 'INVALID_FIELD'],
    ['args too long in total', { args: Array.from({ length: 9 }, () => 'x'.repeat(1000)) }, 'INVALID_FIELD'],
    ['bid window 0', { bidWindowMs: 0 }, 'INVALID_FIELD'],
    ['bid window over a minute', { bidWindowMs: 60_001, deadline: NOW + 120_000 }, 'INVALID_FIELD'],
    ['deadline inside the bid window', { deadline: NOW + 200 }, 'INVALID_FIELD'],
    ['deadline more than a week away', { deadline: NOW + 7 * 86_400_000 + 1 }, 'INVALID_FIELD'],
    ['short nonce', { nonce: new Uint8Array(4) }, 'INVALID_FIELD'],
    ['bad token address', { token: '0x1234' }, 'INVALID_FIELD'],
    ['bad requester eth address', { requesterEthAddress: 'me' }, 'INVALID_FIELD'],
    ['bad gpu vendor tag', { requirements: { gpuVendor: 'NVIDIA Corp' } }, 'INVALID_FIELD'],
  ]
  for (const [name, overrides, code] of inputCases) {
    it(`rejects ${name} with ${code}, at the receiver and already at the builder`, async () => {
      const bytes = await rawJobRequest(key, jobInput(overrides))
      await expectMarketError(() => validateJobRequest(bytes, { now: NOW }), code, 'REJECT')
      await expectMarketError(() => createJobRequest(jobInput(overrides), key), code, 'REJECT')
    })
  }

  const specCases: Array<[string, (s: JobSpec) => void, MarketErrorCode]> = [
    [
      'negative max price',
      (s) => {
        s.maxPrice = '-5'
      },
      'INVALID_AMOUNT',
    ],
    [
      'max price with a leading zero',
      (s) => {
        s.maxPrice = '0100'
      },
      'INVALID_AMOUNT',
    ],
    [
      'max price in exponent form',
      (s) => {
        s.maxPrice = '1e9'
      },
      'INVALID_AMOUNT',
    ],
    [
      'absurdly long max price',
      (s) => {
        s.maxPrice = '9'.repeat(200)
      },
      'INVALID_AMOUNT',
    ],
    [
      'no payment mode',
      (s) => {
        s.payment = PaymentMode.PAYMENT_MODE_UNSPECIFIED
      },
      'INVALID_FIELD',
    ],
    [
      'no limits',
      (s) => {
        s.limits = undefined
      },
      'MALFORMED',
    ],
    [
      'module that is not a CID',
      (s) => {
        s.module = new Uint8Array([1, 2, 3])
      },
      'MALFORMED',
    ],
    [
      'input CID with another hash',
      (s) => {
        s.inputs[0].cid = new Uint8Array([0x01, 0x55, 0x00, 0x03, 1, 2, 3])
      },
      'MALFORMED',
    ],
  ]
  for (const [name, mutate, code] of specCases) {
    it(`rejects ${name} with ${code}`, async () => {
      const bytes = await rawJobRequest(key, jobInput(), { mutate })
      await expectMarketError(() => validateJobRequest(bytes, { now: NOW }), code, 'REJECT')
    })
  }

  it('rejects requester addresses that are not multiaddrs, or too many', async () => {
    const bad = await rawJobRequest(key, jobInput(), { requesterAddrs: ['not an address'] })
    await expectMarketError(() => validateJobRequest(bad, { now: NOW }), 'INVALID_FIELD', 'REJECT')
    const many = await rawJobRequest(key, jobInput(), {
      requesterAddrs: Array.from({ length: 17 }, () => '/ip4/127.0.0.1/tcp/1'),
    })
    await expectMarketError(() => validateJobRequest(many, { now: NOW }), 'MALFORMED', 'REJECT')
  })
})
