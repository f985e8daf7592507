// Issue 16: a result that overtakes its own award's acceptance. A provider with a tiny job sends
// its result as soon as it has accepted; a loaded requester can still be checking that acceptance
// (validation, voucher ack, journal, securing the payment). The result used to be refused as one
// for no award (UNKNOWN_JOB): the provider, its work done, stopped heartbeating, and the award was
// revoked for silence 4 s later and given to another provider — in a 4-minute soak at capacity,
// 1,793 of 2,128 revocations were of awards that had never sent a heartbeat, and 11 jobs were lost.
// Here the requester's acceptance step is held until the result has arrived.
import { expect } from 'chai'
import { waitFor } from '../../support/wait.ts'
import { expectOneDeliveredAward, postHelloJob, startLivePair } from './liveness-helpers.ts'
import type { LivePair } from './liveness-helpers.ts'

describe('node/market: a result that comes before its acceptance is checked (issue 16)', function () {
  this.timeout(60_000)
  let pair: LivePair

  before(async () => {
    pair = await startLivePair('hive-result-first-')
  })

  after(async () => {
    await pair?.stop()
  })

  it('waits for the acceptance and takes the result: no revocation, no second award', async () => {
    const { requester, provider } = pair
    const market = requester.market.requester!
    // the requester's last acceptance step (securing the payment) finishes only once the
    // provider's result is here: the order a loaded requester's event loop produced
    requester.market.events.on('award:accepted', async () => {
      await waitFor(() => market.resultsBeforeAcceptance > 0, {
        what: 'the result to arrive before the acceptance is checked',
        timeoutMs: 15_000,
      })
    })
    const jobId = await postHelloJob(requester)
    await expectOneDeliveredAward(requester, jobId, provider.node.peerId.toString())
    expect(market.resultsBeforeAcceptance, 'the result waited for its acceptance').to.equal(1)
  })
})
