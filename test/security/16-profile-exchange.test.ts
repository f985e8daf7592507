// Issue 16, attack on the profile exchange (node/discovery/profile-exchange.ts): a node that has
// just joined asks the peers it connects to for the providers they know, and dials what they list.
// A hostile peer answers with what it likes. What it must not get:
//   - a profile it altered (a corrupted signature) into the victim's view;
//   - its own addresses recorded for a real provider, by listing that provider's profile with a
//     peer record it signed itself (the victim would dial the attacker for that provider);
//   - anything at all into the view with an answer over the bounds (17 profiles).
// Without the checks (take() verifies like an announcement; the peer store refuses a peer record
// whose signer is not the profile's peer; decodeProfileList counts) each of these lands.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'chai'
import {
  PROFILE_EXCHANGE_PROTOCOL,
  encodeProfileList,
  profileExchangeProtocol,
} from '../../node/discovery/profile-exchange.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { handleProtocol } from '../../node/p2p/reqresp/inbound.ts'
import { signProfile } from '../../protocol/profile-signing.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import type { HiveNode } from '../../node/node.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'

/** A valid signed profile of a fresh key (a real provider elsewhere, as far as the victim can tell). */
async function someProvider(template: HardwareProfile): Promise<{ peerId: string; record: Uint8Array }> {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key).toString()
  const now = Date.now()
  const profile: HardwareProfile = { ...template, peerId, issuedAt: now, expiresAt: now + 30 * 60_000 }
  delete profile.ethAddress
  delete profile.ethBinding
  delete profile.addrs
  return { peerId, record: await signProfile(profile, key) }
}

/** A hostile peer: a bare libp2p node of ours that answers profile-exchange requests with `answer`. */
async function attackerAnswering(answer: Uint8Array): Promise<HiveLibp2p> {
  const node = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
  await node.start()
  await handleProtocol(
    { libp2p: node },
    profileExchangeProtocol(async () => answer),
  )
  // identify lists what the node's own peer store holds, updated by the registrar in the background
  await waitFor(async () => (await node.peerStore.get(node.peerId)).protocols.includes(PROFILE_EXCHANGE_PROTOCOL), {
    what: 'the attacker advertising the protocol',
    timeoutMs: 5_000,
  })
  return node
}

describe('security 16: the profile exchange takes only what the providers signed', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []
  let template: HardwareProfile

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec-exchange-'))
    // any provider's profile serves as the shape of the ones the attackers make up
    const provider = await startTestNode('provider', { root, roles: 'provider' })
    nodes.push(provider)
    template = provider.discovery.ownProfile()!
  })

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  const attackers: HiveLibp2p[] = []
  after(async () => {
    for (const a of attackers) await Promise.resolve(a.stop()).catch(() => {})
  })

  /** A requester that has just joined with the attacker as its one bootstrap, once it heard the answer. */
  const victimOf = async (name: string, attacker: HiveLibp2p): Promise<HiveNode> => {
    attackers.push(attacker)
    const bootstrap = attacker.getMultiaddrs().map(String)
    const victim = await startTestNode(name, { root, roles: 'requester', bootstrap })
    nodes.push(victim)
    const heard = (): boolean => {
      const s = victim.discovery.exchangeStats()
      return s.failed + s.received > 0
    }
    await waitFor(heard, { what: `${name} asked the attacker and heard its answer`, timeoutMs: 20_000 })
    return victim
  }

  it('refuses an altered profile and a peer record signed by anyone but the provider', async () => {
    const altered = await someProvider(template)
    altered.record = Uint8Array.from(altered.record)
    altered.record[altered.record.length - 1]! ^= 0x01
    const honest = await someProvider(template)
    // a real signed peer record, but of another peer (the test provider, met by a scout), offered
    // as the honest provider's addresses
    const provider = nodes[0]!
    const scout = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    attackers.push(scout)
    await scout.start()
    await scout.dial(provider.libp2p.getMultiaddrs()[0]!)
    const envelope = await waitFor(
      async () => (await scout.peerStore.get(provider.peerId).catch(() => undefined))?.peerRecordEnvelope,
      { what: "the provider's signed peer record", timeoutMs: 10_000 },
    )
    const attacker = await attackerAnswering(
      encodeProfileList([{ record: altered.record }, { record: honest.record, peerRecord: envelope }]),
    )
    const victim = await victimOf('victim', attacker)
    const stats = victim.discovery.exchangeStats()
    expect(stats.received, 'both listed').to.equal(2)
    const view = victim.discovery.liveProviders('wasm').map((p) => p.provider)
    expect(view, 'the altered profile is not in the view').to.not.include(altered.peerId)
    // the honest profile is a real one: taken, but with no address from the attacker
    expect(view, "the real provider's profile is").to.include(honest.peerId)
    const addrs = await victim.libp2p.peerStore
      .get(peerIdFromString(honest.peerId))
      .then((p) => p.addresses.map((a) => a.multiaddr.toString()))
      .catch(() => [] as string[])
    expect(addrs, "the other peer's addresses recorded for the provider").to.deep.equal([])
    // the premise: the record itself is good, for the peer that signed it
    expect(await victim.libp2p.peerStore.consumePeerRecord(envelope, { expectedPeer: provider.peerId })).to.equal(true)
  })

  it('takes nothing from an answer of more profiles than the protocol allows', async () => {
    const listed = await Promise.all(Array.from({ length: 17 }, async () => await someProvider(template)))
    // sixteen encoded by the helper and a seventeenth appended by hand
    const sixteen = encodeProfileList(listed.slice(0, 16))
    const last = listed[16]!.record
    const answer = new Uint8Array(sixteen.byteLength + 4 + last.byteLength)
    answer.set(sixteen)
    answer.set([last.byteLength >> 8, last.byteLength & 0xff], sixteen.byteLength)
    answer.set(last, sixteen.byteLength + 2)
    // and an empty peer record after it (the two zero bytes left at the end)
    const attacker = await attackerAnswering(answer)
    const victim = await victimOf('victim2', attacker)
    expect(victim.discovery.exchangeStats().failed, 'the answer was refused').to.equal(1)
    const view = victim.discovery.liveProviders('wasm').map((p) => p.provider)
    for (const p of listed) expect(view).to.not.include(p.peerId)
  })
})
