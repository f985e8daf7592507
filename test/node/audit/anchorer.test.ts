// The anchorer against a real Hardhat JSON-RPC node: cadence by entry count and by time, no
// anchor for its own `anchored` entry, retries with backoff while the account cannot pay, never
// a size at or below the chain's last anchor, and crash recovery (entries written but not
// anchored before a SIGKILL are anchored after the restart; an anchor mined just before a
// crash gets its `anchored` entry).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { anchorWriter } from '../../../node/audit/anchor-chain.ts'
import { Anchorer } from '../../../node/audit/anchorer.ts'
import { openChain } from '../../../node/chain/client.ts'
import { startDevChain } from '../../support/chain.ts'
import { bidRecord, tempLog } from './helpers.ts'
import { until } from './net.ts'
import type { AnchorWriter } from '../../../node/audit/anchor-chain.ts'
import type { AnchorerOptions } from '../../../node/audit/anchorer.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { DevChain } from '../../support/chain.ts'
import type { TempLog } from './helpers.ts'

describe('node/audit anchorer on a Hardhat JSON-RPC chain', function () {
  this.timeout(60_000)
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

  async function writer(account: number): Promise<AnchorWriter> {
    const client = await openChain({
      settings: chain.settings,
      wallet: chain.account(account),
      tx: { pollMs: 50 },
      pollingIntervalMs: 50,
    })
    clients.push(client)
    return anchorWriter(client)
  }

  async function setup(
    account: number,
    options: AnchorerOptions,
    entries = 0,
  ): Promise<{ t: TempLog; w: AnchorWriter; a: Anchorer }> {
    const t = await tempLog()
    logs.push(t)
    for (let i = 0; i < entries; i++) await t.log.append(bidRecord(i))
    const w = await writer(account)
    const a = new Anchorer(t.log, w, options)
    anchorers.push(a)
    return { t, w, a }
  }

  const sizes = async (w: AnchorWriter): Promise<number[]> => (await w.anchors(w.address)).map((x) => x.treeSize)

  it(
    'anchors every N entries, with the root of exactly those' + ' entries, then records the anchor in the log',
    async () => {
      const { t, w, a } = await setup(5, { everyEntries: 5, intervalMs: 3_600_000 })
      a.start()
      for (let i = 0; i < 4; i++) await t.log.append(bidRecord(i))
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(await sizes(w), 'no anchor below N entries').to.deep.equal([])
      await t.log.append(bidRecord(4))
      await until('the anchor of 5 entries', async () => (await sizes(w)).length === 1)
      const [anchor] = await w.anchors(w.address)
      expect(anchor.treeSize).to.equal(5)
      expect(Buffer.from(anchor.root)).to.deep.equal(Buffer.from(await t.log.root(5)))
      await until('the anchored entry', () => t.log.size() === 6)
      const recorded = (await t.log.get(5)).entry
      expect(recorded.type).to.equal('anchored')
      if (recorded.type === 'anchored') {
        expect(recorded.treeSize).to.equal(5)
        expect('0x' + Buffer.from(recorded.txHash).toString('hex')).to.equal(a.status().latest?.txHash)
        expect(recorded.chainId).to.equal(chain.chainId)
      }
      // 4 more entries: with the anchored entry that makes 5 since the anchor, but the anchored entry does not count
      for (let i = 5; i < 9; i++) await t.log.append(bidRecord(i))
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(await sizes(w)).to.deep.equal([5])
      await t.log.append(bidRecord(9))
      await until('the second anchor', async () => (await sizes(w)).length === 2)
      expect(await sizes(w)).to.deep.equal([5, 11])
    },
  )

  it('anchors a grown log every T, and an idle one never (nor wakes while idle)', async () => {
    let clockReads = 0
    const now = (): number => {
      clockReads++
      return Date.now()
    }
    const { t, w, a } = await setup(6, { everyEntries: 1000, intervalMs: 700, now }, 3)
    a.start() // entries written before start are anchored at once
    await until('the first anchor', async () => (await sizes(w)).length === 1)
    await until('its anchored entry', () => t.log.size() === 4)
    const readsBefore = clockReads
    await new Promise((resolve) => setTimeout(resolve, 2_000)) // about three intervals, idle
    expect(await sizes(w)).to.deep.equal([3])
    // each pass of the loop reads the clock; a loop that woke every 10 ms once the interval had
    // passed read it hundreds of times here (one wake per interval, and the recheck, read it a few)
    expect(clockReads - readsBefore, 'clock reads while idle').to.be.at.most(30)
    const grownAt = Date.now()
    await t.log.append(bidRecord(3))
    await until('the anchor after one interval', async () => (await sizes(w)).length === 2, 5_000)
    expect(Date.now() - grownAt).to.be.at.most(3_000)
    expect(await sizes(w)).to.deep.equal([3, 5])
  })

  it('retries with backoff while the transaction fails, and anchors once it can', async () => {
    const problems: string[] = []
    const { t, w, a } = await setup(7, {
      everyEntries: 1,
      intervalMs: 3_600_000,
      minBackoffMs: 100,
      maxBackoffMs: 400,
      onProblem: (m) => problems.push(m),
    })
    await chain.setEth(w.address, 0n)
    a.start()
    await t.log.append(bidRecord(0))
    await until('three failed attempts', () => a.status().failures >= 3)
    expect(a.status().lastError).to.match(/ETH|funds/i)
    expect(a.status().nextAttemptAt).to.be.a('number')
    expect(problems.some((m) => /keeps failing/.test(m))).to.equal(true)
    expect(await sizes(w)).to.deep.equal([])
    await chain.setEth(w.address, parseEther('10'))
    await until('the anchor after the account was funded', async () => (await sizes(w)).length === 1)
    await until('failures reset', () => a.status().failures === 0)
    expect(await sizes(w)).to.deep.equal([1])
  })

  it('never anchors a size at or below the last anchor on-chain', async () => {
    const problems: string[] = []
    const { t, w, a } = await setup(
      8,
      { everyEntries: 1, intervalMs: 3_600_000, minBackoffMs: 100, onProblem: (m) => problems.push(m) },
      10,
    )
    // the chain already holds a bigger anchor for this account (another copy of the node, a restored backup …)
    await w.anchor(new Uint8Array(32).fill(9), 50)
    a.start()
    await until('the anchorer read the chain', () => a.status().latest?.treeSize === 50)
    expect(problems.some((m) => /lost or replaced/.test(m))).to.equal(true)
    const now = await a.anchorNow()
    expect(now).to.include({ anchored: false, reason: 'ALREADY_ANCHORED' })
    for (let i = 10; i < 50; i++) await t.log.append(bidRecord(i))
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await sizes(w)).to.deep.equal([50])
    expect(a.status().failures, 'no transaction was even tried').to.equal(0)
    await t.log.append(bidRecord(50))
    await until("an anchor above the chain's", async () => (await sizes(w)).length === 2)
    expect(await sizes(w)).to.deep.equal([50, 51])
  })

  it(
    'after a SIGKILL between writing entries and anchoring them,' +
      ' loses no entry and anchors them after the restart',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hive-anchor-crash-'))
      try {
        const account = chain.account(9)
        const acked: number[] = []
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            join(import.meta.dirname, 'fixtures', 'anchor-crash-writer.ts'),
            dir,
            chain.url,
            chain.deploymentsDir,
          ],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
            env: { ...process.env, HIVE_TEST_KEY: account.privateKey },
          },
        )
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on('exit', (_code, signal) => resolve(signal)),
        )
        let buffer = ''
        await new Promise<void>((resolve, reject) => {
          child.on('error', reject)
          child.stdout.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('utf8')
            const lines = buffer.split('\n')
            buffer = lines.pop() ?? ''
            for (const line of lines) {
              const m = /^ack (\d+)$/.exec(line)
              if (m !== null) acked.push(Number(m[1]))
            }
            if (acked.length >= 6 && !child.killed) {
              child.kill('SIGKILL')
              resolve()
            }
          })
          setTimeout(() => reject(new Error(`only ${acked.length} acks after 40 s`)), 40_000).unref()
        })
        expect(await exited).to.equal('SIGKILL')
        const w = await writer(9)
        expect(await sizes(w), 'anchored before the crash').to.deep.equal([10])

        const t = await tempLog(dir)
        logs.push(t)
        const size = t.log.size()
        expect(size).to.be.at.least(10 + acked.length)
        for (const index of acked) expect((await t.log.get(index)).entry.type).to.not.equal(undefined)
        const a = new Anchorer(t.log, w, { everyEntries: 1000, intervalMs: 3_600_000 })
        anchorers.push(a)
        a.start()
        await until('the entries written before the crash are anchored', async () => (await sizes(w)).length === 2)
        const anchors = await w.anchors(w.address)
        expect(anchors[1].treeSize).to.equal(size)
        expect(Buffer.from(anchors[1].root)).to.deep.equal(Buffer.from(await t.log.root(size)))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it(
    'writes the missing `anchored` entry for an anchor mined' + ' just before a crash, without anchoring again',
    async () => {
      const t = await tempLog()
      logs.push(t)
      for (let i = 0; i < 4; i++) await t.log.append(bidRecord(i))
      const w = await writer(10)
      const sent = await w.anchor(await t.log.root(4), 4) // mined; then the node died before logging it
      const a = new Anchorer(t.log, w, { everyEntries: 1, intervalMs: 3_600_000 })
      anchorers.push(a)
      a.start()
      await until('the anchored entry', () => t.log.size() === 5)
      const e = (await t.log.get(4)).entry
      expect(e.type).to.equal('anchored')
      if (e.type === 'anchored') expect('0x' + Buffer.from(e.txHash).toString('hex')).to.equal(sent.txHash)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(await sizes(w)).to.deep.equal([4])
    },
  )
})
