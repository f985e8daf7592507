// Issue 13 (both-nat): libp2p's dialProtocol never reuses a limited (relayed) connection, so
// every request to a peer we hold only a relayed connection with dialled a new circuit through
// the relay, and two NATed peers' circuits closed each other as duplicates. A protocol allowed on
// limited connections now opens its stream on the relayed connection already held.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { multiaddr } from '@multiformats/multiaddr'
import { handleProtocol, sendRequest } from '../../../../node/p2p/reqresp/index.ts'
import type { ProtocolDescriptor } from '../../../../node/p2p/reqresp/index.ts'
import type { HiveNode } from '../../../../node/node.ts'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'

const text = new TextEncoder()
const untext = new TextDecoder()
const echo: ProtocolDescriptor<string, string> = {
  id: '/test/relayed-echo/1.0.0',
  name: 'relayed-echo',
  request: { encode: (s) => text.encode(s), decode: (b) => untext.decode(b) },
  response: { encode: (s) => text.encode(s), decode: (b) => untext.decode(b) },
  maxRequestBytes: 64,
  maxResponseFrameBytes: 64,
  timeouts: { firstByteMs: 5_000, exchangeMs: 5_000 },
  inbound: { maxStreams: 32, maxStreamsPerPeer: 16 },
  runOnLimitedConnection: true,
  handler: async (s) => s,
  errorResponse: (e) => `error: ${e.code}`,
}

describe('node/p2p/reach: requests to a peer reached only through a relay', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-relayed-req-'))
  })
  afterEach(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('share one relayed connection instead of dialling a circuit per request', async () => {
    const relay = await startTestNode('relay', {
      root,
      settings: { relayServer: true, relayPolicy: 'open', reachability: 'public' },
    })
    nodes.push(relay)
    const privateSettings = { listen: [], reachability: 'private', relayReservations: 1 }
    const a = await startTestNode('a', { root, bootstrap: relay, settings: privateSettings })
    const b = await startTestNode('b', { root, bootstrap: relay, settings: privateSettings })
    nodes.push(a, b)
    await handleProtocol({ libp2p: b.libp2p }, echo)
    const circuit = await waitFor(() => b.info().addresses.find((x) => x.includes('/p2p-circuit')), {
      timeoutMs: 20_000,
      what: "b's circuit address",
    })
    await a.libp2p.peerStore.merge(b.peerId, { multiaddrs: [multiaddr(circuit)] })

    expect(await sendRequest({ libp2p: a.libp2p }, echo, b.peerId, 'first')).to.equal('first')
    const hops = relay.info().reach!.relayServer!.hopStreams
    const answers = await Promise.all(
      ['one', 'two', 'three', 'four', 'five'].map(
        async (s) => await sendRequest({ libp2p: a.libp2p }, echo, b.peerId, s),
      ),
    )
    expect(answers).to.deep.equal(['one', 'two', 'three', 'four', 'five'])
    // no new circuit: the relay saw no further hop stream, and a holds one (relayed) connection to b
    expect(relay.info().reach!.relayServer!.hopStreams).to.equal(hops)
    const toB = a.libp2p.getConnections(b.peerId)
    expect(toB).to.have.length(1)
    expect(toB[0].limits).to.not.equal(undefined)
  })
})
