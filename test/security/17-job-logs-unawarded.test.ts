// Issue 17, attack: live job output rides the provider's heartbeats, so a peer could try to put
// words in a job's log. A requester takes log chunks only from the provider of a live award of
// its own job: a heartbeat with a log chunk from a peer that was not awarded the job (Mallory,
// signing as herself, or claiming the real provider's name), or from the real provider once its
// award is over, is refused on the wire and nothing of it reaches the job's log or its events.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../node/exec/index.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { Heartbeat, MessageType, ReplyStatus } from '../../protocol/gen/market.ts'
import { sealEnvelope } from '../../protocol/market/envelope.ts'
import { ownBytes } from '../../protocol/market/fields.ts'
import { signHeartbeat } from '../../protocol/market/heartbeat.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from '../node/market/liveness-helpers.ts'
import type { HiveNode } from '../../node/node.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'

const HIVE = 10n ** 18n
const FORGED = new TextEncoder().encode('FORGED: rm -rf your trust\n')

describe('security 17: job logs from a peer without a live award of the job are dropped', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let provider: LivePeer
  let mallory: HiveNode

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec17-logs-'))
    pool = new WorkerPool({ size: 1 })
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    provider = await startLivePeer('provider', { root, roles: 'provider', bootstrap: requester, pool })
    mallory = await startTestNode('mallory', { root, libp2pDatastore: 'memory' })
    await inJobsTopic(requester, [provider])
  })

  after(async () => {
    for (const n of [requester?.node, provider?.node, mallory]) await n?.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('forged log chunks (unawarded peer, stolen name, ended award) are refused and never logged', async () => {
    const { jobId } = await requester.market.requester!.post({
      module: await helloModule(),
      args: ['hold=3000'],
      maxPrice: HIVE,
      bidWindowMs: 1_000,
      timeoutMs: 60_000,
      policy: { reserve: 0 },
    })
    await waitFor(() => eventOf(provider.events, 'provider:accepted', jobId), { what: 'the provider accepting' })
    await mallory.libp2p.peerStore.merge(requester.node.peerId, { multiaddrs: requester.node.libp2p.getMultiaddrs() })
    const send = async (from: HiveNode, bytes: Uint8Array): Promise<[ReplyStatus, string]> => {
      const r = await sendRequest(from.libp2p, requester.node.peerId, 'heartbeat', bytes, {
        signal: AbortSignal.timeout(5_000),
      })
      return [r.status, r.code]
    }
    const beat = { jobId, requester: requester.node.peerId, awardIndex: 0, seq: 1, stage: 'running' as const }

    // 1. Mallory, not awarded the job, signs as herself, while the award is live
    const own = await signHeartbeat(
      { ...beat, sentAt: Date.now(), log: { offset: 0, data: FORGED } },
      mallory.privateKey,
    )
    expect(await send(mallory, own)).to.deep.equal([ReplyStatus.REPLY_IGNORED, 'UNKNOWN_JOB'])

    // 2. Mallory names the awarded provider (her own signature, her own stream)
    const claimed = Heartbeat.encode({
      jobId: ownBytes(jobIdToBytes(jobId)),
      provider: ownBytes(peerIdToBytes(provider.node.peerId)),
      requester: ownBytes(peerIdToBytes(requester.node.peerId)),
      awardIndex: 0,
      seq: 2,
      sentAt: Date.now(),
      stage: 'running',
      log: ownBytes(FORGED),
      logOffset: 0,
    })
    const stolen = await sealEnvelope(MessageType.HEARTBEAT, claimed, mallory.privateKey)
    expect(await send(mallory, stolen)).to.deep.equal([ReplyStatus.REPLY_INVALID, 'PEER_MISMATCH'])

    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')

    // 3. the real provider, its own key and stream, after its award ended (result delivered)
    const late = await signHeartbeat(
      { ...beat, seq: 99, sentAt: Date.now(), log: { offset: 0, data: FORGED } },
      provider.node.privateKey,
    )
    const [status] = await send(provider.node, late)
    expect(status).to.not.equal(ReplyStatus.REPLY_OK)

    expect(requester.market.requester!.logs(jobId), 'the job log').to.deep.equal([])
    expect(
      requester.events.filter((e) => e.type === 'job:log'),
      'job:log events',
    ).to.deep.equal([])
  })
})
