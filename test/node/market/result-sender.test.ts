// Issue 16: a provider's result to a requester that does not serve the result protocol at that
// moment — its node restarting: libp2p is up and connected before the market's handlers are
// registered — is sent again, not given up. A requester that awarded a job speaks the protocol;
// before, the first "protocol not supported" ended the delivery and the finished work was lost.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { handleDirect } from '../../../node/market/direct.ts'
import { ResultSender } from '../../../node/market/result-sender.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { okReply } from '../../../protocol/market/direct.ts'
import { ReplyStatus } from '../../../protocol/gen/market.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

describe('node/market/result-sender: a requester not serving results yet is tried again', function () {
  this.timeout(20_000)
  let provider: HiveLibp2p
  let requester: HiveLibp2p

  before(async () => {
    provider = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    requester = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await Promise.all([provider.start(), requester.start()])
    await provider.dial(requester.getMultiaddrs())
  })

  after(async () => {
    await Promise.all([provider?.stop(), requester?.stop()])
  })

  it('the handler registered after the first attempt failed: the second attempt delivers', async () => {
    const received: Uint8Array[] = []
    const failures: Array<{ attempt: number; retryInMs: number | null }> = []
    const sender = new ResultSender(provider)
    const reply = await sender.deliver(requester.peerId, new Uint8Array([7, 7]), undefined, {
      signal: AbortSignal.timeout(15_000),
      giveUpAt: Date.now() + 10_000,
      now: Date.now,
      onFailure: ({ attempt, retryInMs }) => {
        failures.push({ attempt, retryInMs })
        // the requester's market starts now (its handlers were not registered yet)
        if (attempt === 1)
          void handleDirect({
            libp2p: requester,
            protocol: 'result',
            handle: async (bytes) => {
              received.push(bytes)
              return okReply()
            },
          })
      },
    })
    expect(failures[0], 'the first attempt found no handler, and is retried').to.deep.include({
      attempt: 1,
      retryInMs: 250,
    })
    expect(reply?.status).to.equal(ReplyStatus.REPLY_OK)
    expect(received.map((b) => [...b])).to.deep.equal([[7, 7]])
  })
})
