// Issue 16, attack: a provider that wins an award and then goes silent (no heartbeat; still
// connected, still "working") must not hold the job until its award deadline. The requester takes
// it for dead after the silence limit, revokes its award with a signed revocation, and re-awards
// the slot to the next bidder, well before the first award's deadline; the silent provider's work
// is stopped by the revocation and it delivers nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../node/exec/index.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from '../node/market/liveness-helpers.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('security 16: a provider that stops heartbeating is replaced before its award deadline', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let silent: LivePeer
  let honest: LivePeer

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec16-silent-'))
    pool = new WorkerPool({ size: 1 })
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    // the cheaper bid wins the award
    silent = await startLivePeer('silent', {
      root,
      roles: 'provider',
      bootstrap: requester,
      price: '0.001',
      pool,
      faults: { silentHeartbeats: true },
    })
    honest = await startLivePeer('honest', { root, roles: 'provider', bootstrap: requester, price: '0.002', pool })
    await inJobsTopic(requester, [silent, honest])
  })

  after(async () => {
    for (const p of [requester, silent, honest]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it(
    'k = 1, 60 s wall time (award deadline 65 s): the silent winner is' +
      ' revoked within seconds, the next bidder delivers',
    async () => {
      const { jobId } = await requester.market.requester!.post({
        module: await helloModule(),
        args: ['hold=8000'],
        maxPrice: HIVE,
        bidWindowMs: 2_000,
        timeoutMs: 120_000,
        limits: { wallTimeMs: 60_000 },
      })
      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const first = record.awards[0]
      expect(first.provider, 'the cheaper, silent provider won the first award').to.equal(silent.node.peerId.toString())
      expect(first.status).to.equal('failed')
      expect(first.revokedAt, 'the silent award was revoked').to.be.a('number')
      expect(first.revokedAt! - first.acceptedAt!, 'revoked within seconds of its acceptance').to.be.below(10_000)
      expect(first.revokedAt!).to.be.below(first.deadline!)
      expect(record.awards.filter((a) => a.status === 'delivered').map((a) => a.provider)).to.deep.equal([
        honest.node.peerId.toString(),
      ])
      expect(eventOf(requester.events, 'job:revoked', jobId)?.reason).to.equal('HEARTBEAT_SILENT')
      // the signed revocation reached the silent provider: it stopped and sent nothing
      expect(
        eventOf(silent.events, 'provider:revoked', jobId),
        'the silent provider heard the revocation',
      ).to.not.equal(undefined)
      expect(eventOf(silent.events, 'provider:completed', jobId)).to.equal(undefined)
    },
  )
})
