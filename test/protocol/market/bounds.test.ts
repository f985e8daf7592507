// The size limits and the field bounds must agree: the largest message the field bounds allow
// has to fit its byte limit, or an honest peer could build a message every other peer REJECTs.
import { expect } from 'chai'
import { ExecStatus } from '../../../protocol/gen/market.ts'
import { MAX_UINT256 } from '../../../protocol/market/amounts.ts'
import { JOB_BOUNDS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from '../../../protocol/market/bounds.ts'
import {
  createJobRequest,
  signAcceptance,
  signAward,
  signBid,
  signClearing,
  signResult,
} from '../../../protocol/market/build.ts'
import { okReply } from '../../../protocol/market/direct.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { cidOf, jobInput, keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

describe('protocol/market bounds fit the size limits', () => {
  let key: Ed25519PrivateKey
  const jobId = 'ff'.repeat(32)
  const eth = '0x' + 'a'.repeat(40)
  before(async () => {
    key = await keyFromSeed(1)
  })

  it('the largest valid job request fits, and validates', async () => {
    const input = jobInput({
      inputs: Array.from({ length: JOB_BOUNDS.maxInputs }, (_, i) => ({
        name: String(i).padStart(128, 'n'),
        cid: cidOf(String(i)),
        size: JOB_BOUNDS.blobSize.max,
      })),
      args: Array.from({ length: 8 }, () => 'a'.repeat(JOB_BOUNDS.maxArgsTotal / 8)),
      maxPrice: MAX_UINT256,
      token: eth,
      requesterEthAddress: eth,
      requirements: {
        minMemoryBytes: JOB_BOUNDS.minMemoryBytes.max,
        gpuVendor: 'v'.repeat(32),
        arch: 'a'.repeat(32),
        minCpuScore: 2 ** 32 - 1,
      },
      nonce: new Uint8Array(JOB_BOUNDS.nonceBytes.max),
      deadline: NOW + JOB_BOUNDS.lifetimeMs.max,
    })
    const host = ('h'.repeat(59) + '.').repeat(3) + 'h'.repeat(60)
    const addrs = Array.from({ length: JOB_BOUNDS.maxAddrs }, () => `/dns4/${host}/tcp/65535`)
    expect(addrs[0].length).to.equal(JOB_BOUNDS.maxAddrLength)
    const { bytes } = await createJobRequest(input, key, addrs)
    console.log(
      '      ' +
        JSON.stringify({
          measure: 'largest-job-request-bytes',
          bytes: bytes.length,
          limit: MAX_MESSAGE_BYTES.jobRequest,
        }),
    )
    expect(bytes.length).to.be.at.most(MAX_MESSAGE_BYTES.jobRequest)
    await validateJobRequest(bytes, { now: NOW })
  })

  it('the largest bid, award, acceptance, result, clearing and reply fit', async () => {
    const price = MAX_UINT256
    const sizes = {
      bid: (
        await signBid(
          {
            jobId,
            price,
            estimatedDurationMs: MESSAGE_BOUNDS.maxDurationMs,
            expiresAt: NOW + MESSAGE_BOUNDS.maxValidityMs,
            providerEthAddress: eth,
            stakeHint: price,
            benchmarkScore: 2 ** 32 - 1,
          },
          key,
        )
      ).length,
      award: (
        await signAward(
          {
            jobId,
            provider: peerOf(key),
            price,
            awardIndex: 8,
            deadline: NOW + MESSAGE_BOUNDS.maxValidityMs,
            issuedAt: NOW,
          },
          key,
        )
      ).length,
      acceptance: (
        await signAcceptance(
          {
            jobId,
            price,
            awardIndex: 8,
            accepted: false,
            reason: 'r'.repeat(MESSAGE_BOUNDS.maxReasonLength),
            timestamp: NOW,
          },
          key,
        )
      ).length,
      result: (
        await signResult(
          {
            jobId,
            status: ExecStatus.EXEC_OK,
            exitCode: -(2 ** 31),
            outputCid: cidOf('o'),
            outputSize: JOB_BOUNDS.outputBytes.max,
            metering: {
              wallMs: MESSAGE_BOUNDS.maxMeteredMs,
              cpuMs: MESSAGE_BOUNDS.maxMeteredMs,
              peakMemoryBytes: Number.MAX_SAFE_INTEGER,
            },
            completedAt: NOW,
            error: 'e'.repeat(MESSAGE_BOUNDS.maxErrorLength),
            commitment: new Uint8Array(MESSAGE_BOUNDS.maxCommitmentBytes),
            commitmentSignature: new Uint8Array(MESSAGE_BOUNDS.maxCommitmentSignatureBytes),
          },
          key,
        )
      ).length,
      clearing: (
        await signClearing(
          {
            jobId,
            winners: Array.from({ length: JOB_BOUNDS.maxWinners }, () => ({ provider: peerOf(key), price })),
            timestamp: NOW,
            executor: 'e'.repeat(32),
            token: eth,
            wallTimeMs: JOB_BOUNDS.wallTimeMs.max,
            memoryBytes: JOB_BOUNDS.memoryBytes.max,
          },
          key,
        )
      ).length,
    }
    const acceptance = await signAcceptance(
      {
        jobId,
        price,
        awardIndex: 8,
        accepted: false,
        reason: 'r'.repeat(MESSAGE_BOUNDS.maxReasonLength),
        timestamp: NOW,
      },
      key,
    )
    const reply =
      okReply(acceptance).length + MESSAGE_BOUNDS.maxReplyCodeLength + MESSAGE_BOUNDS.maxReplyMessageLength + 6
    console.log(`      ${JSON.stringify({ measure: 'largest-message-bytes', ...sizes, reply })}`)
    for (const [kind, size] of Object.entries(sizes)) {
      expect(size, kind).to.be.at.most(MAX_MESSAGE_BYTES[kind as keyof typeof sizes])
    }
    expect(reply).to.be.at.most(MAX_MESSAGE_BYTES.reply)
  })
})
