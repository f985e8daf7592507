// /hive/voucher/2.0.0 between two bare libp2p nodes: the ack travels as the receiver's bytes,
// and what version 1 answered with a reset (a receiver failure, a rate limit, an oversized
// voucher) now comes back as a typed error the requester can tell apart.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { isReqRespError, OutcomeCounters } from '../../../node/p2p/reqresp/index.ts'
import { handleVouchers, sendVoucher } from '../../../node/payments/voucher-stream.ts'
import { MAX_VOUCHER_BYTES } from '../../../protocol/payments/voucher.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (err) {
    return isReqRespError(err) ? err.code : `untyped ${(err as Error).name}`
  }
}

describe('node/payments/voucher-stream: typed replies on /hive/voucher/2.0.0', function () {
  this.timeout(20_000)
  let requester: HiveLibp2p
  let provider: HiveLibp2p
  const counters = new OutcomeCounters()

  before(async () => {
    requester = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    provider = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await Promise.all([requester.start(), provider.start()])
    await requester.peerStore.merge(provider.peerId, { multiaddrs: provider.getMultiaddrs() })
    const answer = async (voucher: Uint8Array): Promise<Uint8Array> => {
      if (voucher[0] === 0xff) throw new Error('receiver failed')
      return Uint8Array.from([9, ...voucher])
    }
    await handleVouchers(provider, answer, { perSecond: 4, counters })
  })

  after(async () => {
    await Promise.all([requester?.stop(), provider?.stop()])
  })

  it('returns the ack bytes, and answers failures and limits with typed errors', async () => {
    expect([...(await sendVoucher(requester, provider.peerId, Uint8Array.from([1, 2])))]).to.deep.equal([9, 1, 2])
    const cases: Array<[string, Uint8Array, string]> = [
      ['a receiver failure', Uint8Array.from([0xff]), 'SERVER_ERROR'],
      ['an oversized voucher', new Uint8Array(MAX_VOUCHER_BYTES + 1).fill(1), 'OVERSIZED'],
      ['within the rate', Uint8Array.from([3]), 'OK'],
      ['over the rate', Uint8Array.from([4]), 'RATE_LIMITED'],
    ]
    for (const [name, voucher, code] of cases) {
      expect(await codeOf(sendVoucher(requester, provider.peerId, voucher)), name).to.equal(code)
    }
    // the server counts once its side of the exchange has closed, which may be just after ours
    const want = { OK: 2, SERVER_ERROR: 1, OVERSIZED: 1, RATE_LIMITED: 1 }
    for (let i = 0; i < 100 && Object.values(counters.snapshot().voucher ?? {}).reduce((a, b) => a + b, 0) < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(counters.snapshot().voucher).to.deep.equal(want)
  })
})
