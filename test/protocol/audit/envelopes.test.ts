// Counterparty messages kept in a log's entries: real signatures pass; a message the
// counterparty never signed, or one that says something else than the entry, is named.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { checkKeptMessages } from '../../../protocol/audit/envelopes.ts'
import { readEntry } from '../../../protocol/audit/index.ts'
import { signAcceptance, signAward } from '../../../protocol/market/build.ts'
import { sha256 } from '../../../protocol/merkle/index.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { buildLog } from './story.ts'
import type { EventFor } from './story.ts'
import type { PrivateKey } from '@libp2p/interface'

const JOB = 'cd'.repeat(32)
const JOB_BYTES = new Uint8Array(Buffer.from(JOB, 'hex'))

describe('protocol/audit kept counterparty messages', () => {
  let requesterKey: PrivateKey
  let providerKey: PrivateKey
  let strangerKey: PrivateKey
  const bytesOf = (k: PrivateKey): Uint8Array => peerIdToBytes(peerIdFromPrivateKey(k))

  before(async () => {
    ;[requesterKey, providerKey, strangerKey] = await Promise.all([
      generateKeyPair('Ed25519'),
      generateKeyPair('Ed25519'),
      generateKeyPair('Ed25519'),
    ])
  })

  /** The provider's log: the award it received (kept) and the acceptance it sent. */
  async function providerLog(
    opts: {
      signer?: PrivateKey
      signedPrice?: bigint
      entryPrice?: bigint
      envelope?: (e: Uint8Array) => Uint8Array
    } = {},
  ): Promise<ReturnType<typeof readEntry>[]> {
    const award = await signAward(
      {
        jobId: JOB,
        provider: peerIdFromPrivateKey(providerKey),
        price: opts.signedPrice ?? 50n,
        awardIndex: 0,
        deadline: 9,
        issuedAt: 1,
      },
      opts.signer ?? requesterKey,
    )
    const kept = opts.envelope?.(award) ?? award
    const acceptance = await signAcceptance(
      { jobId: JOB, price: 50n, awardIndex: 0, accepted: true, timestamp: 2 },
      providerKey,
    )
    const events: EventFor[] = [
      {
        type: 'awarded',
        direction: 'received',
        counterparty: bytesOf(requesterKey),
        messageHash: sha256(kept),
        envelope: kept,
        price: opts.entryPrice ?? 50n,
        awardIndex: 0,
      },
      {
        type: 'accepted',
        direction: 'sent',
        counterparty: bytesOf(requesterKey),
        messageHash: sha256(acceptance),
        envelope: acceptance,
        price: 50n,
        awardIndex: 0,
      },
    ]
    return buildLog(bytesOf(providerKey), events, JOB_BYTES).bytes.map(readEntry)
  }

  it(
    "passes the counterparty's real signature over what the" + " entry says (and the owner's own sent message)",
    async () => {
      const out = await checkKeptMessages(await providerLog())
      expect(out).to.have.length(1)
      expect(out[0]).to.include({
        status: 'PASS',
        message: '2 counterparty signatures check out and match the entries',
      })
    },
  )

  it(
    'names a received message signed by someone else, one that' + ' says another price, and a broken signature',
    async () => {
      const forged = await checkKeptMessages(await providerLog({ signer: strangerKey }))
      expect(forged[0]).to.include({ status: 'FAIL', code: 'ENVELOPE_INVALID', index: 0 })
      expect(forged[0].message).to.match(/another peer than the counterparty/)
      const repriced = await checkKeptMessages(await providerLog({ entryPrice: 49n }))
      expect(repriced[0].message).to.match(/price 50, the entry 49/)
      const broken = await checkKeptMessages(
        await providerLog({
          envelope: (e) => {
            const x = new Uint8Array(e)
            x[x.length - 1] ^= 1
            return x
          },
        }),
      )
      expect(broken[0]).to.include({ status: 'FAIL', code: 'ENVELOPE_INVALID' })
      expect(broken[0].message).to.match(/signature|valid/i)
    },
  )
})
