// Issue 16: the provider's Heartbeat and the requester's AwardRevocation, validated on their own:
// each is bound to its job, slot and both peers, signed by its author, and refused otherwise.
import { expect } from 'chai'
import { AwardRevocation, MessageType } from '../../../protocol/gen/market.ts'
import { sealEnvelope } from '../../../protocol/market/envelope.ts'
import { ownBytes } from '../../../protocol/market/fields.ts'
import { signHeartbeat, validateHeartbeat } from '../../../protocol/market/heartbeat.ts'
import { jobIdToBytes } from '../../../protocol/market/job-id.ts'
import { signRevocation, validateRevocation } from '../../../protocol/market/revocation.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { expectMarketError, keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const JOB = 'ab'.repeat(32)
const OTHER_JOB = 'cd'.repeat(32)

describe('protocol/market heartbeat and award revocation (issue 16)', () => {
  let requester: Ed25519PrivateKey
  let provider: Ed25519PrivateKey
  let mallory: Ed25519PrivateKey

  before(async () => {
    requester = await keyFromSeed(1)
    provider = await keyFromSeed(2)
    mallory = await keyFromSeed(3)
  })

  describe('Heartbeat', () => {
    const hb = async (
      key: Ed25519PrivateKey,
      over: Partial<Parameters<typeof signHeartbeat>[0]> = {},
    ): Promise<Uint8Array> =>
      await signHeartbeat(
        { jobId: JOB, requester: peerOf(requester), awardIndex: 0, seq: 1, sentAt: NOW, stage: 'running', ...over },
        key,
      )
    const opts = (
      over: Partial<Parameters<typeof validateHeartbeat>[1]> = {},
    ): Parameters<typeof validateHeartbeat>[1] => ({
      now: NOW,
      self: peerOf(requester),
      expectedProvider: peerOf(provider),
      lookupAward: (jobId, p) =>
        jobId === JOB && p.equals(peerOf(provider)) ? { awardIndex: 0, revoked: false } : undefined,
      ...over,
    })

    it("accepts the awarded provider's heartbeat for its slot", async () => {
      const valid = await validateHeartbeat(await hb(provider), opts())
      expect([valid.jobId, valid.provider.toString(), valid.seq, valid.stage]).to.deep.equal([
        JOB,
        peerOf(provider).toString(),
        1,
        'running',
      ])
    })

    it('refuses one from another peer, for another requester, job or slot, or from the future', async () => {
      await expectMarketError(async () => await validateHeartbeat(await hb(mallory), opts()), 'PEER_MISMATCH', 'REJECT')
      await expectMarketError(
        async () => await validateHeartbeat(await hb(mallory), opts({ expectedProvider: peerOf(mallory) })),
        'UNKNOWN_JOB',
      )
      await expectMarketError(
        async () => await validateHeartbeat(await hb(provider, { requester: peerOf(mallory) }), opts()),
        'NOT_ADDRESSED_TO_US',
      )
      await expectMarketError(
        async () => await validateHeartbeat(await hb(provider, { jobId: OTHER_JOB }), opts()),
        'UNKNOWN_JOB',
        'IGNORE',
      )
      await expectMarketError(
        async () => await validateHeartbeat(await hb(provider, { awardIndex: 1 }), opts()),
        'AWARD_INDEX_OUT_OF_RANGE',
      )
      await expectMarketError(
        async () => await validateHeartbeat(await hb(provider, { sentAt: NOW + 60_000 }), opts()),
        'FROM_FUTURE',
      )
    })

    it('tells the provider of a revoked award so (AWARD_REVOKED, an IGNORE)', async () => {
      await expectMarketError(
        async () =>
          await validateHeartbeat(await hb(provider), opts({ lookupAward: () => ({ awardIndex: 0, revoked: true }) })),
        'AWARD_REVOKED',
        'IGNORE',
      )
    })
  })

  describe('AwardRevocation', () => {
    const opts = (
      over: Partial<Parameters<typeof validateRevocation>[1]> = {},
    ): Parameters<typeof validateRevocation>[1] => ({
      now: NOW,
      self: peerOf(provider),
      expectedRequester: peerOf(requester),
      lookupAward: (jobId) => (jobId === JOB ? { requester: peerOf(requester), awardIndex: 0 } : undefined),
      ...over,
    })
    const revoke = async (
      key: Ed25519PrivateKey,
      over: Partial<Parameters<typeof signRevocation>[0]> = {},
    ): Promise<Uint8Array> =>
      await signRevocation(
        { jobId: JOB, provider: peerOf(provider), awardIndex: 0, reason: 'HEARTBEAT_SILENT', issuedAt: NOW, ...over },
        key,
      )

    it("accepts the job's own requester's revocation of our slot", async () => {
      const valid = await validateRevocation(await revoke(requester), opts())
      expect([valid.jobId, valid.requester.toString(), valid.awardIndex, valid.reason]).to.deep.equal([
        JOB,
        peerOf(requester).toString(),
        0,
        'HEARTBEAT_SILENT',
      ])
    })

    it("refuses a revocation by anyone but the job's requester", async () => {
      // signed and sent by Mallory, naming Mallory
      await expectMarketError(
        async () => await validateRevocation(await revoke(mallory), opts({ expectedRequester: peerOf(mallory) })),
        'PEER_MISMATCH',
        'REJECT',
      )
      // naming the real requester, signed by Mallory
      const payload = AwardRevocation.encode({
        jobId: ownBytes(jobIdToBytes(JOB)),
        requester: ownBytes(peerIdToBytes(peerOf(requester))),
        provider: ownBytes(peerIdToBytes(peerOf(provider))),
        awardIndex: 0,
        reason: 'CONNECTION_LOST',
        issuedAt: NOW,
      })
      await expectMarketError(
        async () =>
          await validateRevocation(await sealEnvelope(MessageType.AWARD_REVOCATION, payload, mallory), opts()),
        'SIGNER_MISMATCH',
        'REJECT',
      )
      // the real requester's revocation relayed by Mallory
      await expectMarketError(
        async () => await validateRevocation(await revoke(requester), opts({ expectedRequester: peerOf(mallory) })),
        'PEER_MISMATCH',
      )
    })

    it('refuses one for another provider, job or slot, an odd reason, or from the future', async () => {
      await expectMarketError(
        async () => await validateRevocation(await revoke(requester, { provider: peerOf(mallory) }), opts()),
        'NOT_ADDRESSED_TO_US',
      )
      await expectMarketError(
        async () => await validateRevocation(await revoke(requester, { jobId: OTHER_JOB }), opts()),
        'UNKNOWN_JOB',
        'IGNORE',
      )
      await expectMarketError(
        async () => await validateRevocation(await revoke(requester, { awardIndex: 2 }), opts()),
        'AWARD_INDEX_OUT_OF_RANGE',
      )
      await expectMarketError(
        async () =>
          await validateRevocation(await revoke(requester, { reason: 'bad reason' as 'HEARTBEAT_SILENT' }), opts()),
        'INVALID_FIELD',
      )
      await expectMarketError(
        async () => await validateRevocation(await revoke(requester, { issuedAt: NOW + 60_000 }), opts()),
        'FROM_FUTURE',
      )
    })
  })
})
