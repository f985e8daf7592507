import { expect } from 'chai'
import { checkJobHistory } from '../../../protocol/audit/index.ts'
import {
  JOB,
  OTHER_PROVIDER,
  OUTPUT,
  PRICE,
  PROVIDER,
  REQUESTER,
  VOUCHER,
  buildLog,
  cid,
  h,
  msg,
  providerEvents,
  requesterEvents,
} from './story.ts'
import type { EventFor } from './story.ts'
import type { JobVerdict } from '../../../protocol/audit/index.ts'

function verdict(req: EventFor[], prov: EventFor[]): JobVerdict {
  return checkJobHistory(buildLog(REQUESTER, req).entries, buildLog(PROVIDER, prov).entries)
}
const codes = (v: JobVerdict): string[] => v.findings.map((f) => `${f.severity}:${f.code}`)
const replace = (events: EventFor[], type: string, change: (e: EventFor) => EventFor | undefined): EventFor[] =>
  events.flatMap((e) => {
    if (e.type !== type) return [e]
    const c = change(e)
    return c === undefined ? [] : [c]
  })

describe('protocol/audit checkJobHistory', () => {
  it('an honest job has no findings and reports the agreement and the payment', () => {
    const v = verdict(requesterEvents(), providerEvents())
    expect(v.findings).to.deep.equal([])
    expect(v.ok).to.equal(true)
    expect(v.agreedPrice).to.equal(PRICE)
    expect(v.paid).to.equal(PRICE)
    expect(v.jobId).to.deep.equal(JOB)
  })

  it("ignores the requester's dealings with other providers of the same job (redundancy k > 1)", () => {
    const req = [
      ...requesterEvents(),
      ...requesterEvents(OTHER_PROVIDER)
        .slice(1)
        .map((e) => ({ ...e, ...('price' in e ? { price: 999n } : {}) }) as EventFor),
    ]
    expect(verdict(req, providerEvents()).findings).to.deep.equal([])
  })

  const cases: Array<[string, EventFor[], EventFor[], string[]]> = [
    [
      'the provider claims another output',
      requesterEvents(),
      replace(
        providerEvents(),
        'result',
        (e) => ({ ...e, messageHash: h('other result'), outputCid: cid('other') }) as EventFor,
      ),
      ['error:RESULT_HASH_MISMATCH'],
    ],
    [
      'same result message recorded with another output CID',
      requesterEvents(),
      replace(providerEvents(), 'result', (e) => ({ ...e, outputCid: cid('other') }) as EventFor),
      ['error:OUTPUT_CID_MISMATCH'],
    ],
    [
      'the requester paid less than agreed (both sides agree on the amount)',
      replace(requesterEvents(), 'paid', (e) => ({ ...e, amount: PRICE - 1n }) as EventFor),
      replace(providerEvents(), 'paid', (e) => ({ ...e, amount: PRICE - 1n }) as EventFor),
      ['error:PAYMENT_AMOUNT_MISMATCH'],
    ],
    [
      'the two sides record different payment amounts',
      requesterEvents(),
      replace(providerEvents(), 'paid', (e) => ({ ...e, amount: PRICE + 1n }) as EventFor),
      ['error:PAYMENT_AMOUNT_MISMATCH'],
    ],
    [
      'the two sides record different vouchers',
      requesterEvents(),
      replace(providerEvents(), 'paid', (e) => ({ ...e, method: { ...VOUCHER, nonce: 4n } }) as EventFor),
      ['error:PAYMENT_DETAILS_MISMATCH'],
    ],
    [
      'the requester logged no acceptance',
      replace(requesterEvents(), 'accepted', () => undefined),
      providerEvents(),
      ['error:MISSING_STEP', 'error:UNMATCHED_SENT'],
    ],
    [
      'the provider claims a payment the requester never made',
      replace(requesterEvents(), 'paid', () => undefined),
      providerEvents(),
      ['error:UNMATCHED_RECEIVED'],
    ],
    [
      'the requester received a result the provider never sent',
      requesterEvents(),
      replace(providerEvents(), 'result', () => undefined),
      ['error:MISSING_STEP', 'error:UNMATCHED_RECEIVED'],
    ],
    // the requester hid it (or it was lost: an auditor cannot tell, and a hidden result must not pass)
    [
      'the requester never logged the result the provider sent',
      requesterEvents().slice(0, 4),
      providerEvents().slice(0, 4),
      ['error:UNMATCHED_SENT'],
    ],
    [
      'the requester never logged a bid the provider sent (late or unwanted bids are dropped)',
      requesterEvents().slice(0, 1),
      providerEvents().slice(0, 1),
      ['warning:UNMATCHED_SENT'],
    ],
    // proven by the voucher or escrow transaction the requester holds; often still in flight
    [
      'the provider never logged a payment the requester sent',
      requesterEvents(),
      replace(providerEvents(), 'paid', () => undefined),
      ['warning:UNMATCHED_SENT'],
    ],
    [
      'award and acceptance prices differ',
      replace(requesterEvents(), 'accepted', (e) => ({ ...e, price: PRICE + 5n }) as EventFor),
      replace(providerEvents(), 'accepted', (e) => ({ ...e, price: PRICE + 5n }) as EventFor),
      ['error:PRICE_MISMATCH', 'error:PAYMENT_AMOUNT_MISMATCH'],
    ],
    [
      'one message logged with two prices',
      replace(requesterEvents(), 'bid', (e) => ({ ...e, price: 1n }) as EventFor),
      providerEvents(),
      ['error:PRICE_MISMATCH'],
    ],
    [
      'the agreed price exceeds the posted maximum',
      replace(requesterEvents(), 'posted', (e) => ({ ...e, maxPrice: PRICE - 1n }) as EventFor),
      providerEvents(),
      ['error:PRICE_ABOVE_MAX'],
    ],
    [
      'the requester verified a result it never received',
      replace(requesterEvents(), 'verified', (e) => ({ ...e, resultHash: h('nope') }) as EventFor),
      providerEvents(),
      ['error:RESULT_HASH_MISMATCH'],
    ],
    [
      'the requester verified another output',
      replace(requesterEvents(), 'verified', (e) => ({ ...e, outputCid: cid('z') }) as EventFor),
      providerEvents(),
      ['error:OUTPUT_CID_MISMATCH'],
    ],
    [
      'paid twice',
      [...requesterEvents(), requesterEvents().at(-1)!],
      providerEvents(),
      ['error:DUPLICATE_STEP', 'error:PAYMENT_AMOUNT_MISMATCH'],
    ],
    [
      'paid and refunded',
      [
        ...requesterEvents(),
        { type: 'refunded', direction: 'received', counterparty: PROVIDER, amount: PRICE, txHash: h('r') },
      ],
      providerEvents(),
      ['error:PAID_AND_REFUNDED'],
    ],
    [
      'paid for a rejected result',
      replace(requesterEvents(), 'verified', (e) => ({ ...e, accepted: false }) as EventFor),
      providerEvents(),
      ['warning:PAID_REJECTED_RESULT'],
    ],
    [
      'steps logged out of order',
      (() => {
        const r = requesterEvents()
        return [r[0], r[1], r[3], r[2], ...r.slice(4)]
      })(),
      providerEvents(),
      ['error:OUT_OF_ORDER'],
    ],
    [
      'the requester claims to have sent the bid',
      replace(requesterEvents(), 'bid', (e) => ({ ...e, direction: 'sent' }) as EventFor),
      providerEvents(),
      ['error:WRONG_DIRECTION', 'error:MISSING_STEP', 'warning:UNMATCHED_SENT'],
    ],
    [
      'an entry of another job is passed in',
      [...requesterEvents(), { ...requesterEvents()[1], jobId: h('job 2') }],
      providerEvents(),
      ['error:JOB_ID_MISMATCH'],
    ],
    [
      'the provider logged the job with a third peer',
      requesterEvents(),
      [...providerEvents(), { ...providerEvents()[0], counterparty: OTHER_PROVIDER } as EventFor],
      ['warning:FOREIGN_COUNTERPARTY'],
    ],
    ['the provider has no entry', requesterEvents(), [], ['error:NO_ENTRIES']],
  ]
  for (const [name, req, prov, want] of cases) {
    it(`finds: ${name}`, () => {
      const v = verdict(req, prov)
      expect(codes(v).sort(), JSON.stringify(v.findings.map((f) => f.message))).to.deep.equal(want.slice().sort())
      expect(v.ok).to.equal(!want.some((c) => c.startsWith('error:')))
    })
  }

  it('findings name the entries involved in both logs', () => {
    const v = verdict(
      requesterEvents(),
      replace(providerEvents(), 'result', (e) => ({ ...e, messageHash: h('x'), outputCid: cid('x') }) as EventFor),
    )
    const f = v.findings.find((x) => x.code === 'RESULT_HASH_MISMATCH')
    expect(f).to.include({ side: 'both', step: 'result', index: 4, otherIndex: 3 })
    expect(f?.message).to.match(/result/)
  })

  it('with the provider named, an empty provider log is missing everything the requester received from it', () => {
    const v = checkJobHistory(buildLog(REQUESTER, requesterEvents()).entries, [], { provider: PROVIDER })
    expect(codes(v).sort()).to.deep.equal([
      'error:NO_ENTRIES',
      'error:UNMATCHED_RECEIVED',
      'error:UNMATCHED_RECEIVED',
      'error:UNMATCHED_RECEIVED',
      'error:UNMATCHED_SENT',
      'warning:UNMATCHED_SENT', // the award (hidden), the payment (maybe in flight)
    ])
    expect(v.provider).to.deep.equal(PROVIDER)
  })

  it('uses the given job id', () => {
    const v = checkJobHistory(
      buildLog(REQUESTER, requesterEvents()).entries,
      buildLog(PROVIDER, providerEvents()).entries,
      { jobId: h('job 2') },
    )
    expect(v.ok).to.equal(false)
    expect(new Set(v.findings.map((f) => f.code))).to.deep.equal(new Set(['JOB_ID_MISMATCH']))
    expect(msg.result).to.not.deep.equal(OUTPUT)
  })
})
