// A provider's addresses change while its DHT round is still running (a NATed provider gets its
// relay reservation a second or two after start, during a first round that provides every
// capability key): the re-signed profile with the new addresses must reach the peers on the
// profiles topic at once, not when the round ends. Issue 13's both-nat run lost 3 of 5 jobs to
// the old order: requesters held the first profile (no circuit address) and dialled a LAN address.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { DiscoveryService } from '../../../node/discovery/service.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'
import { PROFILES_TOPIC } from '../../../protocol/topics.ts'
import { TEST_HARDWARE } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/** a DHT whose every put and provide hangs until the round's signal aborts (a slow first round) */
function stalledDht(): { dht: KadDHT; puts: () => number } {
  let puts = 0
  const hang = (options?: { signal?: AbortSignal }): AsyncIterable<never> => ({
    [Symbol.asyncIterator]: () => ({
      next: async () =>
        await new Promise<never>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error), { once: true })
        }),
    }),
  })
  const dht = {
    put: (_key: Uint8Array, _value: Uint8Array, options?: { signal?: AbortSignal }) => {
      puts++
      return hang(options)
    },
    provide: (_key: unknown, options?: { signal?: AbortSignal }) => hang(options),
    cancelReprovide: async () => {},
  }
  return { dht: dht as unknown as KadDHT, puts: () => puts }
}

describe('node/discovery: a change of address is announced at once', function () {
  this.timeout(60_000)
  let a: HiveLibp2p
  let b: HiveLibp2p
  let provider: DiscoveryService
  let listener: DiscoveryService
  const heard: Array<{ peer: string; addrs: string[] }> = []
  let addrs: string[] = []
  let changed: (() => void) | undefined
  const stalled = stalledDht()

  const service = (node: HiveLibp2p, key: PrivateKey, dht: KadDHT, publish: boolean): DiscoveryService =>
    new DiscoveryService(
      { peerId: node.peerId, privateKey: key, dht, pubsub: node.services.pubsub, libp2p: node },
      {
        offer: { hardware: TEST_HARDWARE, executors: ['wasm'], prices: { wasm: '1' }, ttlMs: 600_000 },
        publish,
        addrs: () => addrs,
        watchAddrs: (cb) => {
          changed = cb
          return () => {
            changed = undefined
          }
        },
        onAddrs: (peer, list) => heard.push({ peer, addrs: list }),
      },
    )

  before(async () => {
    const keyA = await generateKeyPair('Ed25519')
    a = await createHiveLibp2p({ privateKey: keyA })
    await a.start()
    const keyB = await generateKeyPair('Ed25519')
    b = await createHiveLibp2p({ privateKey: keyB, bootstrap: a.getMultiaddrs().map(String) })
    await b.start()
    listener = service(b, keyB, b.services.dht, false)
    await listener.start()
    provider = service(a, keyA, stalled.dht, true)
    await provider.start()
    await waitFor(() => a.services.pubsub.getSubscribers(PROFILES_TOPIC).some((p) => p.equals(b.peerId)), {
      what: 'the listener on the profiles topic',
      timeoutMs: 15_000,
    })
    await waitFor(() => stalled.puts() >= 1, { what: "the provider's first DHT round under way", timeoutMs: 10_000 })
  })

  after(async () => {
    await provider.stop()
    await listener.stop()
    await Promise.all([a.stop(), b.stop()])
  })

  it('the re-signed profile with the new address reaches a peer while the DHT round still runs', async () => {
    const circuit = `/ip4/11.0.2.2/tcp/4001/p2p/${b.peerId.toString()}/p2p-circuit/p2p/${a.peerId.toString()}`
    addrs = [circuit]
    expect(changed, 'the service watches its addresses').to.not.equal(undefined)
    changed?.()
    await waitFor(() => heard.some((h) => h.peer === a.peerId.toString() && h.addrs.includes(circuit)), {
      what: 'the new circuit address heard by the listener',
      // the round it would otherwise wait for hangs for 30 s (its timeout)
      timeoutMs: 8_000,
    })
    expect(stalled.puts(), 'still the first round: the address did not wait for it').to.equal(1)
    expect(provider.ownProfile()?.addrs).to.deep.equal([circuit])
  })

  it('an unchanged address list signs nothing new', async () => {
    const issuedAt = provider.ownProfile()?.issuedAt
    changed?.()
    // unchanged, the check resolves without signing, within microtasks
    await new Promise((resolve) => setImmediate(resolve))
    expect(provider.ownProfile()?.issuedAt).to.equal(issuedAt)
  })
})
