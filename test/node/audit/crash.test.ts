import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifyChain } from '../../../protocol/audit/index.ts'
import { rootOf } from '../../../protocol/merkle/index.ts'
import { bidRecord, tempLog } from './helpers.ts'

// What durability the log promises: an append resolves only after its batch was written with
// sync, so every acknowledged entry survives a SIGKILL; an entry whose append never resolved
// is either wholly present (with its state change) or wholly absent.
describe('node/audit log survives SIGKILL', function () {
  this.timeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'hive-audit-crash-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every acknowledged entry and its state change, and nothing half-written', async () => {
    const acked = new Map<number, number>() // index -> seq
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    let buffer = ''
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8')
        const lines = buffer.split('\n')
        buffer = lines.pop() ?? ''
        for (const line of lines) {
          const m = /^ack (\d+) (\d+)$/.exec(line)
          if (m !== null) acked.set(Number(m[1]), Number(m[2]))
        }
        // kill mid-stream, with appends in flight
        if (acked.size >= 2000 && !child.killed) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      setTimeout(() => reject(new Error(`only ${acked.size} acks after 90 s`)), 90_000).unref()
    })
    expect(await exited).to.equal('SIGKILL')

    const t = await tempLog(dir)
    try {
      const size = t.log.size()
      expect(size).to.be.at.least(acked.size)
      const entries = await t.log.getRange(0, size)
      const chain = verifyChain(entries.map((s) => s.bytes))
      expect(chain.ok, chain.ok ? '' : chain.message).to.equal(true)
      expect(Buffer.from(await t.log.root()).toString('hex')).to.equal(
        Buffer.from(rootOf(entries.map((s) => s.hash))).toString('hex'),
      )
      for (const [index, seq] of acked) {
        const e = entries[index].entry
        expect(e.type === 'bid' && e.price === BigInt(seq), `acked entry ${index}`).to.equal(true)
      }
      // every entry has its state change and every state change its entry
      const states = await t.store.jobs.keys().all()
      const stateSeqs = new Set(states.filter((k) => k.startsWith('seq-')).map((k) => Number(k.slice(4))))
      const entrySeqs = new Set(entries.map((s) => (s.entry.type === 'bid' ? Number(s.entry.price) : -1)))
      expect(stateSeqs.size).to.equal(size)
      expect([...entrySeqs].every((s) => stateSeqs.has(s))).to.equal(true)
      // and the log goes on from where it was
      const next = await t.log.append(bidRecord(1_000_000))
      expect(next.entry.index).to.equal(size)
      expect(next.entry.prevHash).to.deep.equal(entries[size - 1].hash)
    } finally {
      await t.log.close()
      await t.store.close()
    }
  })
})
