// Voucher digests equal the EIP-712 reference (and so the contract's, see test/contracts),
// the wire form round-trips, and every rule of channel-rules.ts rejects by name before any
// signature work; a bad signature is refused after the rules.
import { expect } from 'chai'
import { Wallet, getAddress } from 'ethers'
import { hashVoucher, voucherDomain } from '../../../protocol/eip712.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { VoucherHasher, normalizeRecovery, voucherFromWire, voucherToWire } from '../../../protocol/payments/voucher.ts'
import { VoucherVerifier } from '../../../protocol/payments/channel-rules.ts'
import {
  commitmentFor,
  decodeCommitment,
  encodeCommitment,
  isEquivocation,
  verifyCommitment,
} from '../../../protocol/payments/commitment.ts'
import { registryDomain } from '../../../protocol/eip712.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import type { ChannelView } from '../../../protocol/payments/channel-rules.ts'
import type { SignedVoucher } from '../../../protocol/payments/voucher.ts'

const requester = new Wallet('0x' + '11'.repeat(32))
const stranger = new Wallet('0x' + '12'.repeat(32))
const CONTRACT = getAddress('0x' + '22'.repeat(20))
const CHAIN = 31337n
const CHANNEL = '0x' + 'ab'.repeat(32)

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isHiveError(err) ? err.code : `not a HiveError: ${String(err)}`
  }
  return undefined
}

describe('protocol/payments vouchers', () => {
  const hasher = new VoucherHasher(CHAIN, CONTRACT)
  const channel: ChannelView = {
    chainId: CHAIN,
    contract: CONTRACT,
    channelId: CHANNEL,
    requester: requester.address,
    provider: stranger.address,
    token: CONTRACT,
    deposit: 1000n,
    expiry: 0n,
    challengePeriod: 10n,
    feeBps: 0n,
    status: 'open',
  }
  function voucher(
    amount: bigint,
    nonce: bigint,
    opts: { signer?: Wallet; chainId?: bigint; contract?: string; channelId?: string } = {},
  ): SignedVoucher {
    const chainId = opts.chainId ?? CHAIN
    const contract = opts.contract ?? CONTRACT
    const channelId = opts.channelId ?? CHANNEL
    const digest = new VoucherHasher(chainId, contract).digest(channelId, amount, nonce)
    return {
      chainId,
      contract,
      channelId,
      cumulativeAmount: amount,
      nonce,
      signature: (opts.signer ?? requester).signingKey.sign(digest).serialized,
    }
  }

  it('hashes like the EIP-712 reference for many values', () => {
    for (const [amount, nonce] of [
      [0n, 1n],
      [1n, 2n],
      [10n ** 30n, 2n ** 64n - 1n],
      [2n ** 256n - 1n, 7n],
    ] as const) {
      const reference = hashVoucher(voucherDomain(CHAIN, CONTRACT), {
        channelId: CHANNEL,
        cumulativeAmount: amount,
        nonce,
      })
      expect(hasher.digest(CHANNEL, amount, nonce)).to.equal(reference)
      expect(hasher.digestBigInt(CHANNEL, amount, nonce)).to.equal(BigInt(reference))
    }
    expect(codeOf(() => hasher.digest('0x' + 'ab'.repeat(31), 1n, 1n))).to.equal('VOUCHER_INVALID')
    expect(codeOf(() => hasher.digest('0x' + 'zz'.repeat(32), 1n, 1n))).to.equal('VOUCHER_INVALID')
  })

  it(
    'hashes vouchers of channels that take turns like the' + ' reference (the channel bytes are reused per channel)',
    () => {
      const other = '0x' + 'cd'.repeat(32)
      // amounts on both sides of 2^64 (two ways of writing the word), channels alternating
      for (const [channelId, amount, nonce] of [
        [CHANNEL, 5n, 1n],
        [other, 2n ** 64n, 1n],
        [other, 2n ** 64n - 1n, 2n],
        [CHANNEL, 2n ** 200n + 3n, 2n],
        [other.toUpperCase().replace('0X', '0x'), 9n, 3n],
      ] as const) {
        const reference = hashVoucher(voucherDomain(CHAIN, CONTRACT), { channelId, cumulativeAmount: amount, nonce })
        expect(hasher.digest(channelId, amount, nonce)).to.equal(reference)
      }
    },
  )

  it('round-trips through the wire form and refuses malformed bytes', () => {
    const v = { ...voucher(5n, 3n), jobId: '0x' + 'cd'.repeat(32) }
    expect(voucherFromWire(voucherToWire(v))).to.deep.equal({ ...v, contract: v.contract.toLowerCase() })
    expect(codeOf(() => voucherFromWire(new Uint8Array([1, 2, 3])))).to.equal('VOUCHER_MALFORMED')
    expect(codeOf(() => voucherFromWire(new Uint8Array(600)))).to.equal('VOUCHER_MALFORMED')
  })

  it('accepts a good sequence and rejects each broken rule by name', () => {
    const verifier = new VoucherVerifier({ chainId: CHAIN, contract: CONTRACT, windowBits: 6 })
    verifier.verify(channel, undefined, voucher(10n, 1n))
    expect(verifier.knowsKey(requester.address)).to.equal(true)
    const best = { nonce: 1n, cumulativeAmount: 10n }
    verifier.verify(channel, best, voucher(20n, 2n))
    const cases: Array<[string, ChannelView | undefined, SignedVoucher, string]> = [
      ['replayed', channel, voucher(10n, 1n), 'VOUCHER_REPLAYED'],
      ['same nonce, more money', channel, voucher(50n, 1n), 'VOUCHER_REPLAYED'],
      ['another channel', channel, voucher(20n, 2n, { channelId: '0x' + 'ac'.repeat(32) }), 'VOUCHER_UNKNOWN_CHANNEL'],
      ['another chain id', channel, voucher(20n, 2n, { chainId: 1n }), 'VOUCHER_WRONG_CHAIN'],
      ['another contract', channel, voucher(20n, 2n, { contract: stranger.address }), 'VOUCHER_WRONG_CONTRACT'],
      ['above the deposit', channel, voucher(1001n, 2n), 'VOUCHER_ABOVE_DEPOSIT'],
      ['amount decreased', channel, voucher(9n, 2n), 'VOUCHER_AMOUNT_DECREASED'],
      ['wrong key', channel, voucher(20n, 2n, { signer: stranger }), 'VOUCHER_BAD_SIGNATURE'],
      ['closing channel', { ...channel, status: 'closing' }, voucher(20n, 2n), 'VOUCHER_CHANNEL_CLOSED'],
      ['unknown channel', undefined, voucher(20n, 2n), 'VOUCHER_UNKNOWN_CHANNEL'],
    ]
    for (const [name, ch, v, code] of cases)
      expect(
        codeOf(() => verifier.verify(ch, best, v)),
        name,
      ).to.equal(code)
    // a signature for the right fields but signed over another nonce fails the signature check
    const forged = { ...voucher(20n, 2n), nonce: 3n }
    expect(codeOf(() => verifier.verify(channel, best, forged))).to.equal('VOUCHER_BAD_SIGNATURE')
  })

  it("accepts a known key's voucher whatever its v, and normalizeRecovery restores the v the contract needs", () => {
    const verifier = new VoucherVerifier({ chainId: CHAIN, contract: CONTRACT, windowBits: 6 })
    verifier.verify(channel, undefined, voucher(1n, 1n))
    const good = voucher(2n, 2n)
    const v = parseInt(good.signature.slice(130), 16)
    const flipped = { ...good, signature: good.signature.slice(0, 130) + (v === 27 ? '1c' : '1b') }
    verifier.verify(channel, { nonce: 1n, cumulativeAmount: 1n }, flipped)
    const digest = hasher.digest(CHANNEL, 2n, 2n)
    expect(normalizeRecovery(digest, flipped.signature, requester.address)).to.equal(good.signature)
    expect(normalizeRecovery(digest, good.signature, requester.address)).to.equal(good.signature)
    // the first voucher of a key must carry the right v: it is what the key is recovered from
    const fresh = new VoucherVerifier({ chainId: CHAIN, contract: CONTRACT, windowBits: 6 })
    expect(codeOf(() => fresh.verify(channel, undefined, flipped))).to.equal('VOUCHER_BAD_SIGNATURE')
  })

  it('rejects a wrong key on the first voucher too (recovery path)', () => {
    const verifier = new VoucherVerifier({ chainId: CHAIN, contract: CONTRACT, windowBits: 6 })
    expect(codeOf(() => verifier.verify(channel, undefined, voucher(1n, 1n, { signer: stranger })))).to.equal(
      'VOUCHER_BAD_SIGNATURE',
    )
    expect(verifier.knowsKey(requester.address)).to.equal(false)
  })
})

describe('protocol/payments result commitments', () => {
  const provider = new Wallet('0x' + '33'.repeat(32))
  const domain = registryDomain(CHAIN, CONTRACT)
  const jobId = 'ee'.repeat(32)

  it('encode, sign, verify; two outputs for one job are an equivocation', async () => {
    const a = commitmentFor(jobId, provider.address, await cidForBytes(new Uint8Array([1])))
    const b = commitmentFor(jobId, provider.address, await cidForBytes(new Uint8Array([2])))
    expect(decodeCommitment(encodeCommitment(a))).to.deep.equal(a)
    const sigA = await provider.signTypedData(
      domain,
      {
        ResultCommitment: [
          { name: 'jobId', type: 'bytes32' },
          { name: 'provider', type: 'address' },
          { name: 'outputHash', type: 'bytes32' },
        ],
      },
      a,
    )
    const checked = verifyCommitment(domain, encodeCommitment(a), Buffer.from(sigA.slice(2), 'hex'), {
      jobId,
      provider: provider.address,
    })
    expect(checked.commitment).to.deep.equal(a)
    expect(isEquivocation(a, b)).to.equal(true)
    expect(isEquivocation(a, a)).to.equal(false)
    expect(
      codeOf(() => verifyCommitment(domain, encodeCommitment(b), Buffer.from(sigA.slice(2), 'hex'), { jobId })),
    ).to.equal('COMMITMENT_BAD_SIGNATURE')
    expect(
      codeOf(() =>
        verifyCommitment(domain, encodeCommitment(a), Buffer.from(sigA.slice(2), 'hex'), { jobId: 'ef'.repeat(32) }),
      ),
    ).to.equal('COMMITMENT_WRONG_JOB')
  })
})
