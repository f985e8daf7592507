// Circuit addresses in the signed profile (issue 13): a private provider puts the /p2p-circuit
// addresses of its reservations in the profile it publishes, and publishes again when they
// change, so a requester that finds it in the DHT has addresses that work. Loopback, real
// libp2p over TCP, the provider forced private (no TCP listener at all).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { ProfileCache } from '../../../../node/discovery/cache.ts'
import { fetchProfile } from '../../../../node/discovery/lookup.ts'
import type { HiveNode } from '../../../../node/node.ts'
import type { HardwareProfile } from '../../../../protocol/profile.ts'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'

describe('node/p2p/reach: circuit addresses in the signed profile', function () {
  this.timeout(90_000)
  let root: string
  const nodes: HiveNode[] = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-reach-addrs-'))
  })
  afterEach(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  /** the provider's profile as a reader finds it in the DHT now (no cache: every read walks) */
  async function readProfile(reader: HiveNode, provider: HiveNode): Promise<HardwareProfile | undefined> {
    const c = {
      dht: reader.libp2p.services.dht,
      cache: new ProfileCache(4),
      now: Date.now,
      selfId: reader.peerId.toString(),
      ownProfile: () => undefined,
    }
    return await fetchProfile(c, provider.peerId.toString(), AbortSignal.timeout(5000), {
      quorum: 1,
      missingTtlMs: 0,
    }).catch(() => undefined)
  }

  it('publishes its circuit addresses, again when a relay goes away, and a reader dials it from them', async () => {
    const relays: HiveNode[] = []
    for (const name of ['relay-a', 'relay-b', 'relay-c']) {
      const r = await startTestNode(name, {
        root,
        bootstrap: relays.flatMap((x) => x.info().addresses),
        settings: { relayServer: true, relayPolicy: 'open', reachability: 'public', dhtMode: 'server' },
      })
      nodes.push(r)
      relays.push(r)
    }
    const everyRelay = relays.flatMap((r) => r.info().addresses)
    const provider = await startTestNode('provider', {
      root,
      roles: 'provider',
      bootstrap: everyRelay,
      // short-lived profiles would re-publish on their own: a long lifetime shows that the
      // re-publish comes from the address change
      settings: { listen: [], reachability: 'private', profileTtlMs: 60 * 60 * 1000 },
    })
    nodes.push(provider)
    const circuits = (): string[] =>
      provider
        .info()
        .addresses.filter((a) => a.includes('/p2p-circuit'))
        .sort()
    const first = await waitFor(() => (circuits().length === 2 ? circuits() : undefined), { timeoutMs: 30_000 })
    expect(provider.discovery.ownProfile()?.addrs).to.satisfy((a: unknown) => a === undefined || Array.isArray(a))

    const reader = await startTestNode('reader', { root, bootstrap: everyRelay })
    nodes.push(reader)
    const published = await waitFor(
      async () => {
        const p = await readProfile(reader, provider)
        return p?.addrs !== undefined && p.addrs.length === 2 ? p : undefined
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the profile with both circuit addresses in the DHT' },
    )
    expect([...published.addrs!].sort()).to.deep.equal(first)

    // a relay goes away: the provider reserves on the spare one and publishes the new addresses
    const gone = relays.find((r) => first.some((a) => a.includes(`/p2p/${r.peerId.toString()}/p2p-circuit`)))!
    await gone.stop()
    const spare = relays.find((r) => !first.some((a) => a.includes(r.peerId.toString())))!
    const viaSpare = `/p2p/${spare.peerId.toString()}/p2p-circuit`
    const republished = await waitFor(
      async () => {
        const p = await readProfile(reader, provider)
        return p?.addrs?.some((a) => a.includes(viaSpare)) === true ? p : undefined
      },
      { timeoutMs: 45_000, intervalMs: 250, what: 'the profile with the spare relay address in the DHT' },
    )
    expect(republished.addrs!.some((a) => a.includes(gone.peerId.toString()))).to.equal(false)
    expect(republished.issuedAt).to.be.greaterThan(published.issuedAt)

    // a peer that never met the provider dials it from the profile's addresses (found by a lookup)
    const stranger = await startTestNode('stranger', { root, bootstrap: spare })
    nodes.push(stranger)
    expect(stranger.libp2p.getConnections(provider.peerId)).to.have.length(0)
    const found = await waitFor(
      async () => {
        const list = await stranger.discovery.findProviders({}, { source: 'dht' })
        return list.find((p) => p.peerId === provider.peerId.toString() && p.addrs?.some((a) => a.includes(viaSpare)))
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the stranger to find the provider' },
    )
    expect(found.addrs).to.have.length.greaterThan(0)
    const conn = await stranger.libp2p.dial(provider.peerId, { signal: AbortSignal.timeout(10_000) })
    expect(conn.remoteAddr.toString()).to.include('/p2p-circuit')
  })
})
