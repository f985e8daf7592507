// Reach on loopback (issue 13): a relay node and peers forced private (no TCP listener at all,
// only /p2p-circuit), real libp2p over TCP. The private peer reserves on the relay, its circuit
// address shows up, /v1/info reports it, and another peer reaches it only through the relay.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeApi, readApiToken } from '../../../../node/api/index.ts'
import type { ApiServer } from '../../../../node/api/index.ts'
import { initDataDir } from '../../../../node/config.ts'
import { HiveApiClient } from '../../../../cli/client.ts'
import { reachStatusText } from '../../../../cli/commands/node-status.ts'
import type { HiveNode } from '../../../../node/node.ts'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'

describe('node/p2p/reach: relays on loopback', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []
  const apis: ApiServer[] = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-reach-'))
  })
  afterEach(async () => {
    for (const a of apis.splice(0)) await a.stop()
    for (const n of nodes.splice(0).reverse()) await n.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it(
    'a private peer reserves on the relay, publishes only its' + ' circuit address, and is reached through it',
    async () => {
      const relay = await startTestNode('relay', {
        root,
        settings: { relayServer: true, relayPolicy: 'open', reachability: 'public' },
      })
      nodes.push(relay)
      const priv = await startTestNode('private', {
        root,
        bootstrap: relay,
        settings: { listen: [], reachability: 'private', relayReservations: 1 },
      })
      nodes.push(priv)
      const circuit = await waitFor(() => priv.info().addresses.find((a) => a.includes('/p2p-circuit')), {
        timeoutMs: 20_000,
      })
      expect(circuit).to.include(`/p2p/${relay.peerId.toString()}/p2p-circuit/p2p/${priv.peerId.toString()}`)
      expect(priv.info().addresses.every((a) => a.includes('/p2p-circuit'))).to.equal(true)

      const reach = priv.info().reach!
      expect(reach.status).to.equal('private')
      expect(reach.mode).to.equal('private')
      expect(reach.dhtMode).to.equal('client')
      expect(reach.relays.map((r) => r.relay)).to.deep.equal([relay.peerId.toString()])
      expect(reach.relays[0].since).to.be.a('number').and.greaterThan(0)
      const relayInfo = relay.info().reach!
      expect(relayInfo.relayServer?.reservations).to.equal(1)

      // a third peer that knows only the circuit address gets a limited (relayed) connection
      const other = await startTestNode('other', { root })
      nodes.push(other)
      const conn = await other.libp2p.dial(multiaddr(circuit))
      expect(conn.limits).to.not.equal(undefined)
      expect(conn.remoteAddr.toString()).to.include('/p2p-circuit')
      expect(other.info().reach!.connections.relayed).to.equal(1)
      expect(other.info().reach!.connections.upgradedToDirect).to.equal(0)
      await other.libp2p.services.ping.ping(multiaddr(circuit))
      await waitFor(() => (relay.info().reach!.relayServer!.bytesRelayed > 0 ? true : undefined))
    },
  )

  it('reports reachability on /v1/info and in hive node status', async () => {
    const relay = await startTestNode('relay', {
      root,
      settings: { relayServer: true, relayPolicy: 'open', reachability: 'public' },
    })
    nodes.push(relay)
    await initDataDir(join(root, 'private'))
    const priv = await startTestNode('private', {
      root,
      bootstrap: relay,
      settings: { listen: [], reachability: 'private', relayReservations: 1 },
    })
    nodes.push(priv)
    await waitFor(() => priv.info().reach!.relays[0])
    const api = createNodeApi(priv, { dataDir: join(root, 'private'), host: '127.0.0.1', port: 0 })
    apis.push(api)
    await api.start()
    const { token } = await readApiToken(join(root, 'private'))
    const client = new HiveApiClient({ baseUrl: `http://127.0.0.1:${api.endpoint!.port}`, token })
    const info = await client.info()
    expect(info.reach?.status).to.equal('private')
    expect(info.reach?.relays[0].relay).to.equal(relay.peerId.toString())
    expect(info.reach?.relays[0].address).to.include('/p2p-circuit')
    expect(info.reach?.since).to.be.a('number')
    const text = reachStatusText(info, Date.now())
    expect(text).to.match(/^reachability {2}private \(forced by config: private\)/)
    expect(text).to.include(relay.peerId.toString())
    expect(reachStatusText(relay.info(), Date.now())).to.include('relay server  policy open, 1 reservation(s)')
    // a loopback node with nothing forced cannot tell: unknown, never a guess
    expect(relay.info().reach!.status).to.equal('public')
    const plain = await startTestNode('plain', { root, bootstrap: relay })
    nodes.push(plain)
    expect(plain.info().reach!.status).to.equal('unknown')
  })

  it('reserves on two relays, and on another one when a relay goes away', async () => {
    const relays: HiveNode[] = []
    for (const name of ['relay-a', 'relay-b', 'relay-c']) {
      const r = await startTestNode(name, {
        root,
        settings: { relayServer: true, relayPolicy: 'open', reachability: 'public' },
      })
      nodes.push(r)
      relays.push(r)
    }
    const priv = await startTestNode('private', {
      root,
      bootstrap: relays.flatMap((r) => r.info().addresses),
      settings: { listen: [], reachability: 'private' },
    })
    nodes.push(priv)
    expect(priv.config.relayReservations).to.equal(2)
    const inUse = (): string[] =>
      priv
        .info()
        .reach!.relays.map((r) => r.relay)
        .sort()
    const first = await waitFor(() => (inUse().length === 2 ? inUse() : undefined), { timeoutMs: 20_000 })
    const gone = relays.find((r) => r.peerId.toString() === first[0])!
    await gone.stop()
    const after = await waitFor(
      () => {
        const now = inUse()
        return now.length === 2 && !now.includes(gone.peerId.toString()) ? now : undefined
      },
      { timeoutMs: 30_000 },
    )
    const spare = relays.find((r) => !first.includes(r.peerId.toString()))!
    expect(after).to.include(spare.peerId.toString())
    expect(priv.info().addresses.filter((a) => a.includes('/p2p-circuit'))).to.have.length(2)
  })
})
