// Issue 17: a running job's stderr reaches its requester while the job runs, inside the
// provider's heartbeats: line by line before the result, bounded (64 KiB kept, ≤ 4 chunks a
// second), and never its stdout. One requester and one provider over TCP on 127.0.0.1, real WASM.
import { expect } from 'chai'
import { LOG_KEPT_BYTES, LOG_MIN_INTERVAL_MS } from '../../../protocol/market/job-log.ts'
import { PROTOCOLS } from '../../../protocol/topics.ts'
import { floodStderrWat, slowStderrWat, STDOUT_MARKER } from '../../support/log-modules.ts'
import { wat } from '../exec/wat.ts'
import { eventOf, startLivePair } from './liveness-helpers.ts'
import type { JobEvent } from '../../../node/market/events.ts'
import type { LivePair, LivePeer } from './liveness-helpers.ts'

const HIVE = 10n ** 18n

type LogEvent = Extract<JobEvent, { type: 'job:log' }>

describe('node/market live job output (issue 17)', function () {
  this.timeout(120_000)
  let pair: LivePair
  let requester: LivePeer
  let provider: LivePeer

  before(async () => {
    pair = await startLivePair('hive-joblogs-')
    requester = pair.requester
    provider = pair.provider
  })

  after(async () => {
    await pair?.stop()
  })

  const post = async (module: Uint8Array): Promise<string> =>
    (
      await requester.market.requester!.post({
        module,
        maxPrice: HIVE,
        bidWindowMs: 1_000,
        timeoutMs: 100_000,
        limits: { wallTimeMs: 90_000 },
        policy: { reserve: 0 },
      })
    ).jobId

  const logEvents = (jobId: string): LogEvent[] =>
    requester.events.filter((e): e is LogEvent => e.type === 'job:log' && e.jobId === jobId)

  it(
    'stderr lines arrive one by one while the job runs, before' + ' its result; progress is read; stdout never',
    async () => {
      const jobId = await post(await wat(slowStderrWat(4, 300_000_000n)))
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(100_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const logs = logEvents(jobId)
      const all = logs.map((e) => e.text).join('')
      expect(all).to.equal('line 0\nline 1\nline 2\nline 3\nprogress: 1\n')
      // streamed, not sent at the end: the first line came alone, and every chunk before the result
      expect(logs[0].text).to.equal('line 0\n')
      expect(logs.length).to.be.at.least(3)
      const result = requester.events.findIndex((e) => e.type === 'job:result' && e.jobId === jobId)
      expect(result).to.be.above(requester.events.indexOf(logs[logs.length - 1]))
      expect(logs[logs.length - 1].progress).to.equal(1)
      expect(logs.every((e) => e.provider === provider.node.peerId.toString())).to.equal(true)

      const [kept] = requester.market.requester!.logs(jobId)
      expect(kept.text).to.equal(all)
      expect(kept.progress).to.equal(1)
      expect([kept.receivedBytes, kept.droppedBytes]).to.deep.equal([all.length, 0])
      expect(JSON.stringify(requester.events)).to.not.include(STDOUT_MARKER)
      // the output itself still travels the usual way
      const out = await requester.market.requester!.output(jobId)
      expect(new TextDecoder().decode(out!.stdout)).to.equal(`${STDOUT_MARKER}\n`)
    },
  )

  it('a flood of stderr: at most 64 KiB kept, a "bytes dropped" marker, chunks at most every 250 ms', async () => {
    const jobId = await post(await wat(floodStderrWat(30_000, 30_000n)))
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(100_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const logs = logEvents(jobId)
    const [kept] = requester.market.requester!.logs(jobId)
    expect(kept.text.length).to.be.at.most(LOG_KEPT_BYTES)
    expect(kept.droppedBytes).to.be.above(0)
    expect(kept.receivedBytes + kept.droppedBytes).to.be.at.least(30_000 * 64 - LOG_KEPT_BYTES)
    expect(logs.map((e) => e.text).join('')).to.match(/… \d+ bytes dropped\n/)
    expect(kept.text).to.not.include(STDOUT_MARKER)
    // rate: the chunks (one per event) over the time they took, plus the final flush (≤ 3)
    const span = logs[logs.length - 1].at - logs[0].at
    const bound = Math.floor(span / LOG_MIN_INTERVAL_MS) + 1 + 3
    expect(logs.length, `chunks over ${span} ms`).to.be.at.most(bound)
    const accepted = eventOf(requester.events, 'job:accepted', jobId)
    expect(accepted).to.not.equal(undefined)
  })

  // last: it takes the requester's 1.1.0 handler away
  it(
    'a requester without /hive/heartbeat/1.1.0 (an older version)' + ' gets plain heartbeats: no output, no revocation',
    async () => {
      await requester.node.libp2p.unhandle(PROTOCOLS.heartbeatLog)
      const jobId = await post(await wat(slowStderrWat(3, 100_000_000n)))
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(100_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(logEvents(jobId)).to.deep.equal([])
      expect(eventOf(requester.events, 'job:revoked', jobId)).to.equal(undefined)
    },
  )
})
