// Issue 16, attack: re-opened bidding (docs/reaward.md). A job's signed bid window is part of its
// id; a provider bids on it after the window only with a valid BidReopen signed by the job's own
// requester. Over the wire (/hive/reopen, /hive/request) from a third peer: a reopen signed by
// anyone else, a replayed (old or repeated sequence) reopen, and a reopen whose window leaves no
// time for a run before the job's deadline re-open nothing — the provider does not bid. A job
// whose window closed is not bid on without a reopen (the existing behaviour), and a provider
// named as tried does not bid again.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { WorkerPool } from '../../node/exec/index.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { BidReopen, MessageType, ReplyStatus } from '../../protocol/gen/market.ts'
import { createJobRequest } from '../../protocol/market/build.ts'
import { encodeReopenPush, signBidReopen } from '../../protocol/market/bid-reopen.ts'
import { NOT_BIDDING } from '../../protocol/market/candidates.ts'
import { sealEnvelope } from '../../protocol/market/envelope.ts'
import { ownBytes } from '../../protocol/market/fields.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import { startLivePeer } from '../node/market/liveness-helpers.ts'
import type { HiveNode } from '../../node/node.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'
import type { Reply } from '../../protocol/gen/market.ts'
import type { PeerId } from '@libp2p/interface'

const HIVE = 10n ** 18n
const WALL_MS = 10_000

describe('security 16: bidding on a closed job re-opens only with a valid BidReopen of its requester', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let provider: LivePeer
  let mallory: HiveNode

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec16-reopen-'))
    pool = new WorkerPool({ size: 1 })
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    provider = await startLivePeer('provider', { root, roles: 'provider', bootstrap: requester, pool })
    mallory = await startTestNode('mallory', { root, libp2pDatastore: 'memory' })
    await mallory.libp2p.peerStore.merge(provider.node.peerId, { multiaddrs: provider.node.libp2p.getMultiaddrs() })
  })

  after(async () => {
    for (const n of [requester?.node, provider?.node, mallory]) await n?.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  /** a job signed by the requester whose bid window closed 10 s ago (past the clock-skew allowance) */
  async function closedJob(): Promise<{ jobId: string; bytes: Uint8Array; deadline: number }> {
    const createdAt = Date.now() - 10_000
    const deadline = createdAt + 70_000
    const cid = CID.createV1(0x55, await sha256.digest(randomBytes(16)))
    const created = await createJobRequest(
      {
        executor: 'wasm',
        module: cid,
        moduleSize: 100,
        inputs: [],
        args: [],
        limits: { memoryBytes: 16 * 1024 * 1024, wallTimeMs: WALL_MS, outputBytes: 64 * 1024 },
        maxPrice: HIVE,
        payment: 'channel',
        redundancy: 1,
        bidWindowMs: 1_000,
        deadline,
        createdAt,
        nonce: randomBytes(16),
      },
      requester.node.privateKey,
      requester.node.libp2p.getMultiaddrs().map((a) => a.toString()),
    )
    return { jobId: created.jobId, bytes: created.bytes, deadline }
  }

  const push = async (protocol: 'reopen' | 'request', body: Uint8Array): Promise<Reply> =>
    await sendRequest(mallory.libp2p, provider.node.peerId, protocol, body, { signal: AbortSignal.timeout(10_000) })
  const bidsOn = (jobId: string): number =>
    provider.events.filter((e) => e.type === 'provider:bid' && e.jobId === jobId).length
  const reopenBy = async (
    jobId: string,
    over: { sequence?: number; bidsCloseAt?: number; tried?: PeerId[] } = {},
    key = requester.node.privateKey,
  ): Promise<Uint8Array> =>
    await signBidReopen(
      {
        jobId,
        sequence: over.sequence ?? 1,
        bidsCloseAt: over.bidsCloseAt ?? Date.now() + 3_000,
        tried: over.tried ?? [],
        issuedAt: Date.now(),
      },
      key,
    )
  /** waits for the provider's bids on `jobId` to have gone out (it bids in the background) */
  const bidCount = async (jobId: string, n: number): Promise<void> => {
    await waitFor(() => bidsOn(jobId) >= n, { what: `${n} bid(s) on ${jobId}`, timeoutMs: 10_000 })
    expect(bidsOn(jobId), `bids on ${jobId}`).to.equal(n)
  }

  it('a job whose window closed is not bid on without a reopen', async () => {
    const job = await closedJob()
    const reply = await push('request', job.bytes)
    expect([reply.status, reply.code]).to.deep.equal([ReplyStatus.REPLY_IGNORED, 'JOB_EXPIRED'])
    expect(bidsOn(job.jobId)).to.equal(0)
  })

  it('a reopen signed by anybody but the job requester is refused: no bid', async () => {
    const job = await closedJob()
    // Mallory's own signature, naming herself as the requester
    const own = await reopenBy(job.jobId, {}, mallory.privateKey)
    const a = await push('reopen', encodeReopenPush(own, job.bytes))
    expect([a.status, a.code]).to.deep.equal([ReplyStatus.REPLY_INVALID, 'PEER_MISMATCH'])
    // names the real requester, signed by Mallory
    const claimed = BidReopen.encode({
      jobId: ownBytes(jobIdToBytes(job.jobId)),
      requester: ownBytes(peerIdToBytes(requester.node.peerId)),
      sequence: 1,
      bidsCloseAt: Date.now() + 3_000,
      tried: [],
      issuedAt: Date.now(),
    })
    const forged = await sealEnvelope(MessageType.BID_REOPEN, claimed, mallory.privateKey)
    const b = await push('reopen', encodeReopenPush(forged, job.bytes))
    expect([b.status, b.code]).to.deep.equal([ReplyStatus.REPLY_INVALID, 'SIGNER_MISMATCH'])
    expect(bidsOn(job.jobId)).to.equal(0)
  })

  it('a reopen whose window extends past the deadline minus the wall time is refused: no bid', async () => {
    const job = await closedJob()
    const late = await reopenBy(job.jobId, { bidsCloseAt: job.deadline - WALL_MS + 1_000 })
    const reply = await push('reopen', encodeReopenPush(late, job.bytes))
    expect([reply.status, reply.code]).to.deep.equal([ReplyStatus.REPLY_INVALID, 'REOPEN_TOO_LATE'])
    expect(bidsOn(job.jobId)).to.equal(0)
  })

  it('a valid reopen brings one bid; replaying it, or an older sequence, re-opens nothing', async () => {
    const job = await closedJob()
    const second = await reopenBy(job.jobId, { sequence: 2 })
    const ok = await push('reopen', encodeReopenPush(second, job.bytes))
    expect([ok.status, ok.code]).to.deep.equal([ReplyStatus.REPLY_OK, ''])
    await bidCount(job.jobId, 1)
    // the same reopen again (captured and replayed)
    const again = await push('reopen', encodeReopenPush(second, job.bytes))
    expect([again.status, again.code]).to.deep.equal([ReplyStatus.REPLY_IGNORED, 'REOPEN_REPLAYED'])
    // an older sequence, freshly signed by the requester, with an open window
    const older = await reopenBy(job.jobId, { sequence: 1 })
    const old = await push('reopen', encodeReopenPush(older, job.bytes))
    expect([old.status, old.code]).to.deep.equal([ReplyStatus.REPLY_IGNORED, 'REOPEN_REPLAYED'])
    await bidCount(job.jobId, 1)
  })

  it('a provider the reopen names as tried (its award was revoked) does not bid again', async () => {
    const job = await closedJob()
    const tried = await reopenBy(job.jobId, { tried: [provider.node.peerId] })
    const reply = await push('reopen', encodeReopenPush(tried, job.bytes))
    expect([reply.status, reply.code, reply.message]).to.deep.equal([ReplyStatus.REPLY_OK, NOT_BIDDING, 'TRIED_BEFORE'])
    expect(bidsOn(job.jobId)).to.equal(0)
  })
})
