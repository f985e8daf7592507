// Issue 13: libp2p announces a peer to a protocol's topology only from identify results that come
// after the topology registered. kad-dht's routing table and the relay transport's relay discovery
// register while libp2p starts, so a bootstrap peer dialled and identified earlier in that start
// was never announced to them (the testbed's DHT puts reached 0 peers, no relay was reserved).
// catchUpTopologies (run by the node right after libp2p starts) replays the open connections.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { DHT_PROTOCOL } from '../../../../node/p2p/constants.ts'
import { catchUpTopologies } from '../../../../node/p2p/topology-catchup.ts'
import type { HiveNode } from '../../../../node/node.ts'
import type { Connection } from '@libp2p/interface'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'

describe('node/p2p: topologies registered after a peer was identified (issue 13)', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-topology-'))
  })
  afterEach(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('a late topology hears of an identified peer only after catchUpTopologies', async () => {
    const server = await startTestNode('server', {
      root,
      settings: { dhtMode: 'server', relayServer: true, relayPolicy: 'open' },
    })
    nodes.push(server)
    const peer = await startTestNode('peer', { root, bootstrap: server })
    nodes.push(peer)
    const serverId = server.peerId.toString()
    // the server is connected and identified: its DHT protocol is in the peer store
    await waitFor(
      async () => {
        const stored = await peer.libp2p.peerStore.get(server.peerId).catch(() => undefined)
        return stored?.protocols.includes(DHT_PROTOCOL) === true ? true : undefined
      },
      { timeoutMs: 20_000 },
    )
    const heard: string[] = []
    await peer.libp2p.register(DHT_PROTOCOL, {
      onConnect: (id) => {
        heard.push(id.toString())
      },
    })
    // the registrar replays nothing: a topology registered now has not heard of the server
    expect(heard).to.deep.equal([])

    const identified = await catchUpTopologies(peer.libp2p)
    expect(identified).to.be.greaterThanOrEqual(1)
    await waitFor(() => (heard.includes(serverId) ? true : undefined), { timeoutMs: 10_000 })
  })

  it("a started node's DHT routing table holds its bootstrap peer", async () => {
    const server = await startTestNode('server', { root, settings: { dhtMode: 'server' } })
    nodes.push(server)
    const peer = await startTestNode('peer', { root, bootstrap: server })
    nodes.push(peer)
    const dht = peer.libp2p.services.dht as unknown as { routingTable: { size: number } }
    await waitFor(() => (dht.routingTable.size >= 1 ? true : undefined), { timeoutMs: 20_000 })
  })
})

describe('node/p2p: catchUpTopologies on a loaded host', () => {
  it('tries a connection whose identify failed again, while it stays open', async () => {
    // identify timed out for 4 of 8 connections on the loaded testbed: those peers stayed out
    // of the routing table and the gossip mesh, and the requester found no provider at all
    const calls = new Map<string, number>()
    const conn = (id: string, status = 'open'): Connection => ({ id, status }) as unknown as Connection
    const conns = [conn('a'), conn('b'), conn('c')]
    const node = {
      getConnections: () => conns,
      services: {
        identify: {
          identify: async (c: Connection) => {
            const n = (calls.get(c.id) ?? 0) + 1
            calls.set(c.id, n)
            if (c.id === 'b' && n < 2) throw new Error('identify timed out')
            if (c.id === 'c') {
              ;(c as { status: string }).status = 'closed'
              throw new Error('connection closed')
            }
            return {}
          },
        },
      },
    }
    const ok = await catchUpTopologies(node, undefined, { retryMs: 1 })
    expect(ok, 'connections identified again').to.equal(2)
    expect(calls.get('b'), 'the failed one, again').to.equal(2)
    expect(calls.get('c'), 'a closed one is not retried').to.equal(1)
  })
})
