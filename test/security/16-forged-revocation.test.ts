// Issue 16, attack: a third party tries to make a provider drop a job it is running by sending it
// an award revocation. Only the job's own requester may revoke, with its signature: a revocation
// signed by anyone else (naming itself, or naming the real requester) is refused with its code,
// the provider keeps working and the job completes on it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../node/exec/index.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { AwardRevocation, MessageType, ReplyStatus } from '../../protocol/gen/market.ts'
import { sealEnvelope } from '../../protocol/market/envelope.ts'
import { ownBytes } from '../../protocol/market/fields.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { signRevocation } from '../../protocol/market/revocation.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from '../node/market/liveness-helpers.ts'
import type { HiveNode } from '../../node/node.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('security 16: a forged award revocation is ignored by the provider', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let provider: LivePeer
  let mallory: HiveNode

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-sec16-forged-'))
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

  it(
    'revocations signed by a third party, naming itself or the' + ' real requester, are refused; the job completes',
    async () => {
      const { jobId } = await requester.market.requester!.post({
        module: await helloModule(),
        args: ['hold=3000'],
        maxPrice: HIVE,
        bidWindowMs: 2_000,
        timeoutMs: 60_000,
        policy: { reserve: 0 },
      })
      await waitFor(() => eventOf(provider.events, 'provider:accepted', jobId), {
        what: 'the provider accepting the award',
      })
      await mallory.libp2p.peerStore.merge(provider.node.peerId, { multiaddrs: provider.node.libp2p.getMultiaddrs() })
      const send = async (bytes: Uint8Array): Promise<{ status: ReplyStatus; code: string }> =>
        await sendRequest(mallory.libp2p, provider.node.peerId, 'revoke', bytes, { signal: AbortSignal.timeout(5_000) })

      // 1. Mallory's own signature, naming Mallory as the requester
      const own = await signRevocation(
        { jobId, provider: provider.node.peerId, awardIndex: 0, reason: 'HEARTBEAT_SILENT', issuedAt: Date.now() },
        mallory.privateKey,
      )
      const a = await send(own)
      expect([a.status, a.code]).to.deep.equal([ReplyStatus.REPLY_INVALID, 'PEER_MISMATCH'])

      // 2. names the real requester, signed by Mallory
      const claimed = AwardRevocation.encode({
        jobId: ownBytes(jobIdToBytes(jobId)),
        requester: ownBytes(peerIdToBytes(requester.node.peerId)),
        provider: ownBytes(peerIdToBytes(provider.node.peerId)),
        awardIndex: 0,
        reason: 'CONNECTION_LOST',
        issuedAt: Date.now(),
      })
      const b = await send(await sealEnvelope(MessageType.AWARD_REVOCATION, claimed, mallory.privateKey))
      expect([b.status, b.code]).to.deep.equal([ReplyStatus.REPLY_INVALID, 'SIGNER_MISMATCH'])

      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(record.awards.map((a) => [a.provider, a.status])).to.deep.equal([
        [provider.node.peerId.toString(), 'delivered'],
      ])
      expect(eventOf(provider.events, 'provider:revoked', jobId), 'the provider never stopped').to.equal(undefined)
    },
  )
})
