import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { ProfilePublisher } from '../../../node/discovery/publisher.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'
import { bySelectivity, capabilityTags } from '../../../protocol/capabilities.ts'
import { profileKey } from '../../../protocol/profile-record.ts'
import { verifyProfile } from '../../../protocol/profile-signing.ts'
import type { ProfileHardware } from '../../../protocol/profile.ts'
import { waitForRoutingTable } from '../../support/wait.ts'

const hardware: ProfileHardware = {
  cpu: { model: 'c', cores: 2, threads: 2, arch: 'x64', speedMhz: 0 },
  memoryBytes: 32 * 1024 ** 3,
  gpus: [{ vendor: 'amd', model: 'g', vramMiB: 8192 }],
  os: { platform: 'linux', distro: 'd', release: 'r', kernel: 'k' },
  benchmark: { cpuScore: 2500, durationMs: 1000 },
}

describe('node/discovery: publisher', function () {
  this.timeout(30_000)
  let a: HiveLibp2p
  let b: HiveLibp2p
  // set in before(), not here: a describe body runs when mocha loads the file, which in the node
  // suite is minutes before this test runs, and a profile issued then has expired (60 s TTL) by
  // the time it is put; the peer's validator refuses it and the put reaches no one (putPeers 0)
  let clock = 0
  let publisher: ProfilePublisher
  before(async () => {
    clock = Date.now()
    const key = await generateKeyPair('Ed25519')
    a = await createHiveLibp2p({ privateKey: key })
    await a.start()
    b = await createHiveLibp2p({
      privateKey: await generateKeyPair('Ed25519'),
      bootstrap: a.getMultiaddrs().map(String),
    })
    await b.start()
    // b is connected once start() returns, but a's DHT adds b only after identify shows that b
    // serves the DHT (30-110 ms later on an idle host): a put before that reaches no one either
    await waitForRoutingTable(a.services.dht, [b.peerId], { timeoutMs: 20_000 })
    publisher = new ProfilePublisher({
      dht: a.services.dht,
      privateKey: key,
      peerId: a.peerId.toString(),
      now: () => clock,
      offer: { hardware, executors: ['wasm'], prices: { wasm: '1' }, ttlMs: 60_000 },
      // short, so the test can reach "due" without moving the clock past peers' skew allowance
      reprovideAfterMs: 45_000,
    })
  })
  after(async () => {
    await Promise.all([a.stop(), b.stop()])
  })

  it('puts the profile, then provides every capability key rarest first', async () => {
    const r = await publisher.publishOnce(AbortSignal.timeout(20_000))
    expect(r.putPeers).to.equal(1)
    expect(r.complete).to.equal(true)
    const tags = capabilityTags(r.profile)
    expect(Object.keys(r.provided)).to.deep.equal(bySelectivity(tags))
    expect(Object.keys(r.provided)[0]).to.equal('gpu/amd')
    expect(Object.values(r.provided).every((n) => n === 1)).to.equal(true)
    // b holds the signed profile, verifiable on its own
    let value: Uint8Array | undefined
    for await (const ev of b.services.dht.get(profileKey(a.peerId.toString()), { signal: AbortSignal.timeout(10_000) }))
      if (ev.name === 'VALUE') value = ev.value
    expect(value).to.not.equal(undefined)
    const p = await verifyProfile(value ?? new Uint8Array(), { now: clock, expectedPeerId: a.peerId.toString() })
    expect(p.issuedAt).to.equal(clock)
  })

  it('later rounds refresh the profile only, until the keys are due again', async () => {
    clock += 30_000
    const again = await publisher.publishOnce(AbortSignal.timeout(20_000))
    expect(again.putPeers).to.equal(1)
    expect(again.provided).to.deep.equal({})
    expect(again.complete).to.equal(true)
    expect(again.profile.issuedAt).to.equal(clock)
    expect(again.profile.expiresAt).to.equal(clock + 60_000)

    clock += 30_000
    const due = await publisher.publishOnce(AbortSignal.timeout(20_000))
    expect(Object.keys(due.provided)).to.have.length(capabilityTags(due.profile).length)
  })
})
