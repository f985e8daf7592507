// Issue 16, chain faults: an anchor the node saw mined can vanish in a reorg. The anchorer reads
// its last anchor back from the chain, notices it is gone, frees the dropped nonce and anchors the
// log again at once (not at the next N entries or T). A reorg that brings the same transaction
// back (the common case) changes nothing.
import { expect } from 'chai'
import { getAddress } from 'ethers'
import { anchorWriter } from '../../../node/audit/anchor-chain.ts'
import { Anchorer } from '../../../node/audit/anchorer.ts'
import { openChain } from '../../../node/chain/client.ts'
import { ReorgDriver } from '../../../scripts/chaos/reorg.ts'
import { startDevChain } from '../../support/chain.ts'
import { bidRecord, tempLog } from './helpers.ts'
import { until } from './net.ts'
import type { AnchorWriter } from '../../../node/audit/anchor-chain.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { DevChain } from '../../support/chain.ts'
import type { TempLog } from './helpers.ts'

describe('node/audit anchorer through chain reorgs (issue 16)', function () {
  this.timeout(90_000)
  let chain: DevChain
  const clients: ChainClient[] = []
  const logs: TempLog[] = []
  const anchorers: Anchorer[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
  })

  after(async function () {
    this.timeout(30_000)
    for (const a of anchorers) await a.stop()
    for (const t of logs) await t.cleanup().catch(() => {})
    for (const c of clients) c.close()
    await chain?.stop()
  })

  async function setup(account: number): Promise<{ t: TempLog; w: AnchorWriter; a: Anchorer }> {
    const t = await tempLog()
    logs.push(t)
    const client = await openChain({
      settings: chain.settings,
      wallet: chain.account(account),
      tx: { pollMs: 50 },
      pollingIntervalMs: 50,
    })
    clients.push(client)
    const w = anchorWriter(client)
    // N = 3 entries; T an hour: only the reorg check can make it anchor again
    const a = new Anchorer(t.log, w, { everyEntries: 3, intervalMs: 3_600_000, recheckMs: 200 })
    anchorers.push(a)
    return { t, w, a }
  }

  const sizes = async (w: AnchorWriter): Promise<number[]> => (await w.anchors(w.address)).map((x) => x.treeSize)

  it('an anchor dropped by a reorg of depth 1-3 is noticed and sent again, covering the whole log', async () => {
    const { t, w, a } = await setup(8)
    const problems: string[] = []
    ;(a as unknown as { o: { onProblem: (m: string) => void } }).o.onProblem = (m) => problems.push(m)
    a.start()
    for (let i = 0; i < 3; i++) await t.log.append(bidRecord(i))
    await until('the first anchor', async () => (await sizes(w)).length === 1 && a.pending() === 0)
    const reorgs = new ReorgDriver(chain.url)
    await reorgs.begin()
    for (let i = 3; i < 6; i++) await t.log.append(bidRecord(i))
    // mined and its receipt read by the anchorer (a reorg before that is TxSender's case: it
    // sends the transaction again after replaceAfterMs)
    await until('the second anchor', async () => (await sizes(w)).length === 2 && a.status().latest?.index === 1)
    expect(await sizes(w)).to.deep.equal([3, 7])
    await reorgs.mineTo(3)
    const from = getAddress(w.address)
    const out = await reorgs.reorg((tx) => getAddress(tx.from) === from)
    expect(out.depth).to.equal(3)
    expect(out.dropped).to.have.length(1)
    expect(await sizes(w), 'the reorg dropped the second anchor').to.deep.equal([3])
    await until('the log anchored again', async () => (await sizes(w)).length === 2 && a.pending() === 0, 20_000)
    const after = await sizes(w)
    // the resent anchor covers everything, the vanished anchor's own `anchored` entry included
    expect(after[1]).to.equal(t.log.size() - 1)
    expect(after[1]).to.be.at.least(8)
    expect(a.status().vanished).to.equal(1)
    expect(problems.join('\n')).to.match(/no longer on the chain/)
  })

  it('an anchor a reorg brings back in another block is left alone', async () => {
    const { t, w, a } = await setup(9)
    a.start()
    const reorgs = new ReorgDriver(chain.url)
    await reorgs.begin()
    for (let i = 0; i < 3; i++) await t.log.append(bidRecord(i))
    await until('the anchor', async () => (await sizes(w)).length === 1 && a.status().latest?.index === 0)
    await reorgs.mineTo(2)
    const out = await reorgs.reorg()
    expect(out.reincluded.length).to.be.at.least(1)
    // a few read-backs later: still one anchor, nothing counted as vanished
    const checks = (a as unknown as { lastRecheckAt: number }).lastRecheckAt
    await until('two more read-backs', () => (a as unknown as { lastRecheckAt: number }).lastRecheckAt > checks + 300)
    expect(await sizes(w)).to.deep.equal([3])
    expect(a.status().vanished).to.equal(undefined)
  })
})
