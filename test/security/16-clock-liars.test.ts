// Issue 16, scenario 8, the attack on the clock correction (node/p2p/clock-sync.ts): peers that lie
// about the time. A node runs on the median of its peers' clocks, itself counting at 0, so one
// liar among honest peers moves nothing; a crowd of liars around one node moves it, but never by
// more than the cap (CLOCK_SYNC.maxAdjustMs), and the node says its clock is capped. The liars
// are real nodes whose clock is an hour ahead (a clock given as is: they answer with it).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { CLOCK_SYNC } from '../../protocol/clock-offset.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import type { HiveNode } from '../../node/node.ts'

const HOUR = 3_600_000

describe('security 16: peers lying about the time move a node by the cap at the most', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec16-clock-'))
  const nodes: HiveNode[] = []

  async function start(name: string, opts: { liar?: boolean; peers?: HiveNode[] } = {}): Promise<HiveNode> {
    const node = await startTestNode(name, {
      root,
      bootstrap: (opts.peers ?? []).flatMap((n) => n.info().addresses),
      ...(opts.liar === true ? { now: () => Date.now() + HOUR } : {}),
    })
    nodes.push(node)
    return node
  }

  // each test's nodes only: a peer of an earlier test would vote too
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop().catch(() => {})
  })
  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('one liar among two honest peers: the clock does not move', async () => {
    const honest = [await start('honest-1'), await start('honest-2')]
    const liar = await start('liar-1', { liar: true })
    const target = await start('target-1', { peers: [...honest, liar] })
    await waitFor(() => target.clock.status().peers >= 3, { what: 'samples from all three peers', timeoutMs: 30_000 })
    expect(target.clock.status()).to.deep.include({ offsetMs: 0, capped: false })
    expect(target.now() - Date.now()).to.be.below(CLOCK_SYNC.deadbandMs)
  })

  it('three liars and one honest peer: moved by the cap, no further, and flagged capped', async () => {
    const honest = await start('honest-3')
    const liars = [
      await start('liar-2', { liar: true }),
      await start('liar-3', { liar: true }),
      await start('liar-4', { liar: true }),
    ]
    const target = await start('target-2', { peers: [honest, ...liars] })
    await waitFor(() => target.clock.status().peers >= 4, { what: 'samples from all four peers', timeoutMs: 30_000 })
    const status = target.clock.status()
    expect(status.capped).to.equal(true)
    expect(status.offsetMs).to.equal(CLOCK_SYNC.maxAdjustMs)
    expect(status.medianMs).to.be.above(HOUR - 5_000)
    expect(target.now() - Date.now()).to.be.at.most(CLOCK_SYNC.maxAdjustMs + 100)
  })
})
