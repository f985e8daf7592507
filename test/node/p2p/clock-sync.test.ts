// Issue 16, scenario 8 (clock): a node whose system clock is 2 minutes off still trades. Its peers
// tell it their time over /hive/time/1.0.0; it runs on the median (node/p2p/clock-sync.ts). Real
// nodes over TCP; the skew is the node's `systemClock` (what the node corrects), not a fake clock.
// Without the correction (a node given the skewed clock as is), the same provider never bids: the
// control at the end shows what the correction is for.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { marketService } from '../../../node/market/service.ts'
import { CLOCK_SYNC } from '../../../protocol/clock-offset.ts'
import { startTestNode } from '../../support/node.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { waitFor } from '../../support/wait.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'

type Peer = HiveNode & { services: { market?: MarketService } }
const SKEW_MS = 2 * 60_000
const HIVE = 10n ** 18n

describe('node/p2p clock sync: a node with a clock 2 minutes off still trades (issue 16, scenario 8)', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-clock-'))
  const nodes: Peer[] = []
  let requester: Peer
  let module: Uint8Array

  async function start(name: string, roles: string, clock: { systemClock?: () => number; now?: () => number } = {}) {
    const node = await startTestNode(name, {
      root,
      roles,
      // connected to every node so far: a node asks the peers it is connected to
      bootstrap: nodes.flatMap((n) => n.info().addresses),
      ...clock,
      services: { market: marketService() },
    })
    nodes.push(node)
    return node
  }

  const adjusted = (n: Peer, skew: number): boolean => {
    const c = n.clock.status()
    return c.peers >= CLOCK_SYNC.minPeers && Math.abs(c.offsetMs + skew) < CLOCK_SYNC.deadbandMs
  }

  before(async () => {
    module = readFileSync((await buildExamples()).wordcount)
    requester = await start('requester', 'requester')
    await start('honest-1', 'provider')
    await start('honest-2', 'provider')
  })

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  async function post(roles: { from: Peer }, text: string) {
    const r = roles.from.services.market!.requester!
    const { jobId } = await r.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(text) }],
      maxPrice: HIVE,
      bidWindowMs: 2_000,
      timeoutMs: 30_000,
    })
    return await r.wait(jobId, { signal: AbortSignal.timeout(60_000) })
  }

  it("a provider 2 minutes ahead corrects its clock by its peers' median, and wins and runs a job", async () => {
    const ahead = await start('ahead', 'provider', { systemClock: () => Date.now() + SKEW_MS })
    await waitFor(() => adjusted(ahead, SKEW_MS), {
      what: 'the skewed provider to correct its clock',
      timeoutMs: 30_000,
    })
    // its peers, right all along, moved nothing
    for (const n of nodes.filter((x) => x !== ahead)) expect(n.clock.status().offsetMs, n.peerId.toString()).to.equal(0)
    expect(ahead.info().clock).to.deep.include({ adjusting: true, capped: false })
    // the other providers stop: only the skewed one can take the job
    for (const n of nodes.slice(1, 3)) await n.services.market!.provider!.stop()
    try {
      await waitFor(() => jobSubscribers(requester.libp2p.services.pubsub).some((p) => p.equals(ahead.peerId)), {
        what: 'the skewed provider on the jobs topic',
        timeoutMs: 30_000,
      })
      const record = await post({ from: requester }, 'one two three\n')
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(record.awards.map((a) => a.provider)).to.deep.equal([ahead.peerId.toString()])
    } finally {
      for (const n of nodes.slice(1, 3)) await n.services.market!.provider!.start()
    }
  })

  it('a requester 2 minutes behind corrects too, and its job is bid on and completed', async () => {
    const behind = await start('behind', 'requester', { systemClock: () => Date.now() - SKEW_MS })
    await waitFor(() => adjusted(behind, -SKEW_MS), {
      what: 'the skewed requester to correct its clock',
      timeoutMs: 30_000,
    })
    await waitFor(() => jobSubscribers(behind.libp2p.services.pubsub).length >= 2, {
      what: 'providers on the jobs topic, as the skewed requester sees it',
      timeoutMs: 30_000,
    })
    const record = await post({ from: behind }, 'four five\n')
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
  })

  it('control: the same skew without the correction (a node given its clock as is) gets no bid', async () => {
    const stuck = await start('stuck', 'requester', { now: () => Date.now() - SKEW_MS })
    expect(stuck.clock.status().adjusting).to.equal(false)
    await waitFor(() => jobSubscribers(stuck.libp2p.services.pubsub).length >= 2, {
      what: 'providers on the jobs topic, as the uncorrected requester sees it',
      timeoutMs: 30_000,
    })
    const record = await post({ from: stuck }, 'six\n')
    // its job was created "2 minutes ago" to every provider: past its bid window, never bid on
    expect(record.phase).to.equal('failed')
    expect(record.bids).to.deep.equal([])
  })
})
