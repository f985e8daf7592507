// Issue 13: a relay spends its bandwidth on others. Without a policy, any stranger who connects
// could reserve a slot and have the relay carry its traffic (up to the generous limits set for
// job data: 10 min and 256 MiB per circuit). The attack, over the wire: a peer with no provider
// profile, no market relationship and not on the allow list connects to a relay running with
// the default policy (market) and asks for a reservation with libp2p's own relay client. The
// relay must refuse it (no reservation, no circuit address), while a provider whose signed
// profile the relay can read is served.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { HiveNode } from '../../node/node.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'

describe('13: a relay refuses reservations from strangers', function () {
  this.timeout(60_000)
  let root: string
  const nodes: HiveNode[] = []

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-13-relay-'))
  })
  afterEach(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('a peer with no profile and no market relationship gets no reservation; a provider does', async () => {
    // the relay: a public bootstrap node serving as relay with the default (market) policy
    const relay = await startTestNode('relay', {
      root,
      settings: { relayServer: true, reachability: 'public', dhtMode: 'server' },
    })
    nodes.push(relay)
    expect(relay.config.relayPolicy).to.equal('market')

    const stranger = await startTestNode('stranger', {
      root,
      bootstrap: relay,
      settings: { listen: [], reachability: 'private', relayReservations: 1 },
    })
    nodes.push(stranger)
    // wait for the relay's verdict on the stranger's reservation request (an event, not a sleep):
    // either it refused it or it granted it
    await waitFor(
      () => {
        const server = relay.info().reach!.relayServer!
        return server.refused + server.reservations > 0 ? true : undefined
      },
      { timeoutMs: 30_000 },
    )
    const server = relay.info().reach!.relayServer!
    expect(server.reservations, 'reservations the relay holds').to.equal(0)
    expect(server.refused, 'reservation requests the relay refused').to.be.greaterThan(0)
    expect(
      stranger.info().addresses.filter((a) => a.includes('/p2p-circuit')),
      'stranger circuit addresses',
    ).to.deep.equal([])
    expect(stranger.info().reach!.relays).to.deep.equal([])

    // a provider that publishes its signed profile is served by the same relay
    const provider = await startTestNode('provider', {
      root,
      roles: 'provider',
      bootstrap: relay,
      settings: { listen: [], reachability: 'private', relayReservations: 1 },
    })
    nodes.push(provider)
    const circuit = await waitFor(() => provider.info().addresses.find((a) => a.includes('/p2p-circuit')), {
      timeoutMs: 30_000,
    })
    expect(circuit).to.include(`/p2p/${relay.peerId.toString()}/p2p-circuit`)
    expect(relay.info().reach!.relayServer!.reservations).to.equal(1)
  })
})
