// node/market/undelivered-results.ts on its own (issue 16): results a provider gave up sending
// wait for their requester to connect again, within their award's deadline, and no more of them
// than MAX_KEPT. A fake sender and a bare event target stand for libp2p.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { MAX_KEPT, UndeliveredResults } from '../../../node/market/undelivered-results.ts'
import { waitFor } from '../../support/wait.ts'
import type { Reply } from '../../../protocol/gen/market.ts'
import type { PeerId } from '@libp2p/interface'

async function peer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

describe('node/market UndeliveredResults', () => {
  let now = 1_000_000
  const sent: Array<{ to: string; envelope: number[]; giveUpAt: number }> = []
  let answer: Reply | undefined = { status: 0, code: '', envelope: new Uint8Array() } as unknown as Reply
  const events = new EventTarget()
  const libp2p = {
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
  } as unknown as ConstructorParameters<typeof UndeliveredResults>[0]['libp2p']
  const kept = new UndeliveredResults({
    libp2p,
    now: () => now,
    sender: {
      deliver: async (to, envelope, _output, opts) => {
        sent.push({ to: to.toString(), envelope: [...envelope], giveUpAt: opts.giveUpAt })
        return answer
      },
    },
  })
  const connect = (p: PeerId): void => {
    events.dispatchEvent(new CustomEvent('peer:connect', { detail: p }))
  }

  beforeEach(() => {
    kept.start()
    sent.length = 0
    answer = { status: 0 } as unknown as Reply
  })
  afterEach(() => {
    kept.stop()
  })

  it("sends a kept result once its requester connects, within the award's deadline, and only to it", async () => {
    const [a, b] = [await peer(), await peer()]
    kept.keep('job-a', a, new Uint8Array([1]), now + 60_000)
    kept.keep('job-b', b, new Uint8Array([2]), now + 10)
    connect(b)
    await waitFor(() => sent.length === 1, { what: 'the result to b', timeoutMs: 2_000 })
    expect(sent[0]).to.deep.equal({ to: b.toString(), envelope: [2], giveUpAt: now + 10 })
    expect(kept.size, "a's result still waits").to.equal(1)
    connect(a)
    await waitFor(() => sent.length === 2, { what: 'the result to a', timeoutMs: 2_000 })
    expect(sent[1].to).to.equal(a.toString())
    expect(kept.size).to.equal(0)
  })

  it('a result past its deadline is dropped; one that finds no way through waits for the next connect', async () => {
    const a = await peer()
    kept.keep('late', a, new Uint8Array([1]), now + 5)
    kept.keep('again', a, new Uint8Array([2]), now + 60_000)
    now += 10
    answer = undefined
    connect(a)
    await waitFor(() => sent.length === 1 && kept.size === 1, { what: 'one sent, kept again', timeoutMs: 2_000 })
    expect(sent[0].envelope).to.deep.equal([2])
    answer = { status: 0 } as unknown as Reply
    connect(a)
    await waitFor(() => sent.length === 2 && kept.size === 0, { what: 'sent on the next connect', timeoutMs: 2_000 })
  })

  it(`keeps at most ${MAX_KEPT}, the oldest dropped first; nothing kept past its deadline`, async () => {
    const a = await peer()
    kept.keep('expired', a, new Uint8Array([0]), now)
    expect(kept.size).to.equal(0)
    for (let i = 0; i <= MAX_KEPT; i++) kept.keep(`job-${i}`, a, new Uint8Array([i % 256]), now + 60_000)
    expect(kept.size).to.equal(MAX_KEPT)
    connect(a)
    await waitFor(() => sent.length === MAX_KEPT, { what: 'every kept result sent', timeoutMs: 2_000 })
    expect(sent[0].envelope, 'job-0 was dropped').to.deep.equal([1])
  })
})
