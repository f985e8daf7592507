// A lookup its caller cuts short still answers from the view (issue 13, found on the testbed):
// the market gives discovery 500 ms to name push targets for a job nobody is subscribed for
// (providers behind NATs are not in the requester's gossip mesh). Departed providers' records
// made the DHT walk slower than that, the lookup threw, and the job was pushed to nobody: every
// job of a testbed scenario run after another ended NO_BIDS. Real nodes on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { HiveNode } from '../../../node/node.ts'

describe('node/discovery: a lookup cut short by its caller', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-lookup-short-'))
  const live: HiveNode[] = []

  after(async () => {
    for (const n of live.reverse()) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  it('answers with the providers its view holds instead of failing', async () => {
    const seed = await startTestNode('seed', { root, settings: { dhtMode: 'server' } })
    live.push(seed)
    const provider = await startTestNode('provider', { root, roles: 'provider', bootstrap: seed })
    live.push(provider)
    const requester = await startTestNode('requester', { root, bootstrap: seed })
    live.push(requester)
    const id = provider.peerId.toString()
    // the view holds the provider (a walk fills it, as announcements would)
    await waitFor(
      async () => (await requester.discovery.findProviders({}, { source: 'dht' })).some((p) => p.peerId === id),
      { what: 'the provider found by a DHT walk', timeoutMs: 30_000, intervalMs: 200 },
    )
    expect((await requester.discovery.findProviders({}, { source: 'view' })).map((p) => p.peerId)).to.include(id)
    // a walk cannot finish within 1 ms: the caller's bound ends it, the view still answers
    const found = await requester.findProviders({ executor: 'wasm' }, { signal: AbortSignal.timeout(1) })
    expect(found.map((p) => p.peerId)).to.include(id)
    // with nothing in the view there is nothing to answer with: the caller's abort stands
    const none = requester.findProviders({ executor: 'docker' }, { signal: AbortSignal.timeout(1) })
    await none.then(
      () => expect.fail('expected the abort'),
      (err: unknown) => expect((err as Error).name).to.match(/Abort|Timeout/),
    )
  })
})
