// A node keeps its bootstrap peers (node/p2p/peering.ts): they carry a KEEP_ALIVE tag, so a lost
// link to one is dialled again by libp2p's reconnect queue instead of being left to chance (a
// healed partition that did not rejoin within 20 s in one fresh-clone run).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { PEERING_TAG } from '../../../node/p2p/peering.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { HiveNode } from '../../../node/node.ts'

describe('node/p2p peering: bootstrap peers are kept connected', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-peering-'))
  const nodes: HiveNode[] = []

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  it('tags each bootstrap peer KEEP_ALIVE, and dials it again after the link drops', async () => {
    const seed = await startTestNode('seed', { root })
    nodes.push(seed)
    const node = await startTestNode('joiner', { root, bootstrap: seed })
    nodes.push(node)
    const tags = (await node.libp2p.peerStore.get(seed.peerId)).tags
    expect(tags.get(PEERING_TAG)?.value).to.equal(50)
    await waitFor(() => node.libp2p.getConnections(seed.peerId).length > 0, { what: 'the first connection' })
    // the far side hangs up (as a partition or a restart would cut it): the joiner dials again
    let droppedAt: number | undefined
    node.libp2p.addEventListener('peer:disconnect', (e) => {
      if (e.detail.equals(seed.peerId)) droppedAt ??= Date.now()
    })
    await seed.libp2p.hangUp(node.peerId)
    await waitFor(() => droppedAt !== undefined, { what: 'the link to drop' })
    // a connection the joiner opened itself after the drop (the seed may dial too: not counted)
    await waitFor(
      () =>
        node.libp2p
          .getConnections(seed.peerId)
          .some((c) => c.direction === 'outbound' && c.timeline.open >= droppedAt!),
      { what: 'the joiner to dial its bootstrap peer again', timeoutMs: 15_000 },
    )
  })
})
