// Issue 17: the bookkeeping of live job output at both ends (protocol/market/job-log.ts).
import { expect } from 'chai'
import { ChunkRate, LogOutbox, LogTail, parseProgress } from '../../../protocol/market/job-log.ts'
import { JobLogs } from '../../../node/market/job-logs.ts'
import type { JobEvent } from '../../../node/market/events.ts'

const b = (s: string): Uint8Array => new TextEncoder().encode(s)
const s = (u: Uint8Array | undefined): string => new TextDecoder().decode(u)

describe('protocol/market job-log: live job output bookkeeping (issue 17)', () => {
  it('outbox: keeps the newest bytes, chunks by offset, forgets only what was acknowledged', () => {
    const o = new LogOutbox(8)
    o.push(b('abcdef'))
    o.push(b('ghij')) // 10 > 8: "ab" dropped
    expect(o.peek(3)).to.deep.include({ offset: 2 })
    expect(s(o.peek(3)?.data)).to.equal('cde')
    o.ack(5)
    expect(s(o.peek()?.data)).to.equal('fghij')
    o.ack(4) // an old acknowledgement changes nothing
    expect(o.peek()?.offset).to.equal(5)
    o.push(b('XY'), 100) // a gap: the pending bytes are older and cannot be joined, dropped
    expect(o.peek()).to.deep.include({ offset: 110 })
    expect(s(o.peek()?.data)).to.equal('XY')
  })

  it('tail: takes each byte once, marks gaps, keeps at most its cap, reads progress', () => {
    const t = new LogTail(16)
    expect(t.add(0, b('one\n'))?.text).to.equal('one\n')
    expect(t.add(0, b('one\n'))).to.equal(undefined) // sent again after a lost reply
    expect(t.add(2, b('e\ntwo\n'))?.text).to.equal('two\n') // overlap: only the new part
    const gap = t.add(20, b('progress: 0.5\n'))
    expect(gap?.text).to.equal('… 12 bytes dropped\nprogress: 0.5\n')
    expect(gap?.progress).to.equal(0.5)
    expect(t.content.length).to.equal(16)
    expect(t.dropped).to.be.above(10)
  })

  it('progress lines: fraction or percent, the newest wins, nonsense ignored', () => {
    expect(parseProgress('progress: 0.25\nprogress: 40%\n')).to.equal(0.4)
    expect(parseProgress('progress: 7\nno progress: 0.1\n')).to.equal(undefined)
  })

  it('rate: at most n chunks in any second', () => {
    const r = new ChunkRate(2)
    expect([r.allow(0), r.allow(10), r.allow(20), r.allow(1_001), r.allow(1_011)]).to.deep.equal([
      true,
      true,
      false,
      true,
      true,
    ])
  })

  it('requester: chunks from a provider without a live award are refused, others emitted as job:log', () => {
    const events: JobEvent[] = []
    const logs = new JobLogs({ now: () => 1, emit: (e) => events.push(e), isLive: (_j, p) => p === 'good' })
    expect(logs.take('j', 'mallory', { offset: 0, data: b('forged\n') })).to.equal('not-live')
    expect(logs.take('j', 'good', { offset: 0, data: b('real\n') })).to.equal('taken')
    expect(logs.get('j').map((l) => [l.provider, l.text])).to.deep.equal([['good', 'real\n']])
    expect(events).to.deep.equal([{ type: 'job:log', at: 1, jobId: 'j', provider: 'good', text: 'real\n' }])
  })
})
