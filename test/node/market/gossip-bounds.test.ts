// node/market/gossip.ts without a network: the validation bound (messages beyond it are IGNOREd
// unread and counted 'overloaded'), the handler queue bound ('dropped'), and the verdicts.
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { TopicSubscription } from '../../../node/market/gossip.ts'
import { MarketValidationError } from '../../../protocol/market/errors.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

type Validator = (from: PeerId, msg: { data: Uint8Array }) => Promise<TopicValidatorResult>

/** The part of GossipSub a TopicSubscription touches. */
function fakePubsub(): { pubsub: GossipSub; validators: Map<string, Validator>; subscribed: Set<string> } {
  const validators = new Map<string, Validator>()
  const subscribed = new Set<string>()
  const pubsub = {
    topicValidators: validators,
    subscribe: (t: string) => {
      subscribed.add(t)
    },
    unsubscribe: (t: string) => {
      subscribed.delete(t)
    },
  } as unknown as GossipSub
  return { pubsub, validators, subscribed }
}

describe('node/market: gossip topic bounds', () => {
  let from: PeerId
  before(async () => {
    from = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  })

  it('subscribes every topic it is given (shards) with one validator, and leaves them all on stop', () => {
    const { pubsub, validators, subscribed } = fakePubsub()
    const sub = new TopicSubscription({
      pubsub,
      topics: ['t/0', 't/1'],
      validate: async () => 1,
      handle: async () => {},
    })
    sub.start()
    expect([...subscribed]).to.deep.equal(['t/0', 't/1'])
    expect([...validators.keys()]).to.deep.equal(['t/0', 't/1'])
    sub.stop()
    expect(subscribed.size + validators.size).to.equal(0)
  })

  it('ignores messages unread beyond maxValidating in flight, counting them overloaded', async () => {
    const { pubsub, validators } = fakePubsub()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let decoded = 0
    const sub = new TopicSubscription({
      pubsub,
      topic: 't',
      maxValidating: 2,
      validate: async () => {
        decoded++
        await gate
        return 1
      },
      handle: async () => {},
    })
    sub.start()
    const validate = validators.get('t')!
    const results = [1, 2, 3, 4, 5].map(async () => await validate(from, { data: new Uint8Array([1]) }))
    release()
    const verdicts = await Promise.all(results)
    expect(decoded).to.equal(2)
    expect(verdicts.filter((v) => v === TopicValidatorResult.Accept)).to.have.length(2)
    expect(verdicts.filter((v) => v === TopicValidatorResult.Ignore)).to.have.length(3)
    expect(sub.stats()).to.include({ accept: 2, overloaded: 3 })
    sub.stop()
  })

  it('drops valid messages once maxQueue wait for the handler, and maps errors to reject or ignore', async () => {
    const { pubsub, validators } = fakePubsub()
    const sub = new TopicSubscription<number>({
      pubsub,
      topic: 't',
      maxQueue: 1,
      concurrency: 1,
      validate: async (bytes) => {
        if (bytes[0] === 0) throw new MarketValidationError('MALFORMED', 'bad')
        if (bytes[0] === 9) throw new MarketValidationError('DUPLICATE', 'seen')
        return bytes[0]
      },
      // never finishes: the first message occupies the one handler slot
      handle: async () => await new Promise<void>(() => {}),
    })
    sub.start()
    const validate = validators.get('t')!
    const v = async (b: number): Promise<TopicValidatorResult> => await validate(from, { data: new Uint8Array([b]) })
    expect(await v(1)).to.equal(TopicValidatorResult.Accept) // handled
    expect(await v(2)).to.equal(TopicValidatorResult.Accept) // queued
    expect(await v(3)).to.equal(TopicValidatorResult.Ignore) // queue full
    expect(await v(0)).to.equal(TopicValidatorResult.Reject)
    expect(await v(9)).to.equal(TopicValidatorResult.Ignore)
    expect(sub.stats()).to.deep.equal({ accept: 2, ignore: 1, reject: 1, dropped: 1, overloaded: 0 })
    sub.stop()
  })
})
