// The pure half of protocol/eip712.ts: type strings identical to the Solidity ones, signature
// rules identical to OpenZeppelin's ECDSA (65 bytes, low s), bindings that expire, ids that
// change with every field. Equality with on-chain hashing is in test/contracts/eip712.test.ts.
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Signature, TypedDataEncoder, Wallet, getAddress, toBeHex } from 'ethers'
import {
  BINDING_TYPES,
  COOPERATIVE_CLOSE_TYPES,
  RELEASE_TYPES,
  RESULT_COMMITMENT_TYPES,
  VOUCHER_TYPES,
  bindingTypedData,
  channelId,
  escrowId,
  hashBinding,
  hashVoucher,
  recoverDigestSigner,
  recoverReleaseSigner,
  releaseTypedData,
  verifyBinding,
  voucherDomain,
  voucherTypedData,
} from '../../protocol/eip712.ts'
import type { ChannelTerms } from '../../protocol/eip712.ts'
import { isHiveError } from '../../protocol/errors.ts'

const solidity = readFileSync(resolve(import.meta.dirname, '../../contracts/libraries/HiveTypedData.sol'), 'utf8')
const wallet = new Wallet('0x' + '11'.repeat(32))
const CONTRACT = '0x' + '22'.repeat(20)

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isHiveError(err) ? err.code : 'not a HiveError'
  }
  return undefined
}

describe('protocol/eip712', () => {
  const cases: Array<[string, Record<string, Array<{ name: string; type: string }>>]> = [
    ['Voucher', VOUCHER_TYPES],
    ['CooperativeClose', COOPERATIVE_CLOSE_TYPES],
    ['Release', RELEASE_TYPES],
    ['ResultCommitment', RESULT_COMMITMENT_TYPES],
  ]
  for (const [name, types] of cases) {
    it(`${name}: the TypeScript type string is the one HiveTypedData.sol hashes`, () => {
      const encoded = TypedDataEncoder.from(types).encodeType(name)
      expect(solidity).to.include(`keccak256("${encoded}")`)
    })
  }

  it('Binding carries peer id bytes, account, chain id and expiry', () => {
    expect(TypedDataEncoder.from(BINDING_TYPES).encodeType('Binding')).to.equal(
      'Binding(bytes peerId,address account,uint256 chainId,uint64 expiry)',
    )
  })

  it('signs and recovers with the typed-data helpers', async () => {
    const domain = voucherDomain(31337n, CONTRACT)
    const v = { channelId: '0x' + 'aa'.repeat(32), cumulativeAmount: 10n, nonce: 3n }
    const td = voucherTypedData(domain, v)
    const sig = await wallet.signTypedData(td.domain, td.types, td.value)
    expect(recoverDigestSigner(hashVoucher(domain, v), sig)).to.equal(wallet.address)
    const r = { jobId: '0x' + 'bb'.repeat(32), provider: CONTRACT, resultHash: '0x' + 'cc'.repeat(32) }
    const rtd = releaseTypedData(voucherDomain(1n, CONTRACT), r)
    expect(recoverReleaseSigner(rtd.domain, r, await wallet.signTypedData(rtd.domain, rtd.types, rtd.value))).to.equal(
      wallet.address,
    )
  })

  it('rejects what the contracts reject: high s, wrong length, bad v', async () => {
    const digest = hashVoucher(voucherDomain(1n, CONTRACT), {
      channelId: '0x' + 'aa'.repeat(32),
      cumulativeAmount: 1n,
      nonce: 1n,
    })
    const sig = Signature.from(wallet.signingKey.sign(digest))
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const highS = sig.r + toBeHex(n - BigInt(sig.s), 32).slice(2) + (sig.v === 27 ? '1c' : '1b')
    expect(recoverDigestSigner(digest, sig.serialized)).to.equal(wallet.address)
    expect(codeOf(() => recoverDigestSigner(digest, highS))).to.equal('SIGNATURE_INVALID')
    expect(codeOf(() => recoverDigestSigner(digest, sig.compactSerialized))).to.equal('SIGNATURE_INVALID')
    expect(codeOf(() => recoverDigestSigner(digest, sig.serialized.slice(0, -2) + '00'))).to.equal('SIGNATURE_INVALID')
    expect(codeOf(() => recoverDigestSigner(digest, '0x'))).to.equal('SIGNATURE_INVALID')
  })

  it('verifies a peer id binding and refuses expired, foreign-chain and mis-signed ones', async () => {
    const b = {
      peerId: new Uint8Array([0, 36, 8, 1, 18, 32, ...new Array(32).fill(7)]),
      account: wallet.address,
      chainId: 31337n,
      expiry: 2000n,
    }
    const td = bindingTypedData(b)
    const sig = await wallet.signTypedData(td.domain, td.types, td.value)
    expect(recoverDigestSigner(hashBinding(b), sig)).to.equal(wallet.address)
    expect(verifyBinding(b, sig, { chainId: 31337n, now: 1999n })).to.equal(wallet.address)
    expect(codeOf(() => verifyBinding(b, sig, { chainId: 31337n, now: 2000n }))).to.equal('BINDING_EXPIRED')
    expect(codeOf(() => verifyBinding(b, sig, { chainId: 1n, now: 0n }))).to.equal('BINDING_WRONG_CHAIN')
    const other = { ...b, account: getAddress('0x' + '33'.repeat(20)) }
    expect(codeOf(() => verifyBinding(other, sig, { chainId: 31337n, now: 0n }))).to.equal('BINDING_SIGNER_MISMATCH')
    const otherPeer = { ...b, peerId: new Uint8Array([1, 2, 3]) }
    expect(codeOf(() => verifyBinding(otherPeer, sig, { chainId: 31337n, now: 0n }))).to.equal(
      'BINDING_SIGNER_MISMATCH',
    )
  })

  it('channel ids change with every immutable term; escrow ids with job, requester and provider', () => {
    const base: ChannelTerms = {
      chainId: 1n,
      contract: CONTRACT,
      requester: '0x' + '01'.repeat(20),
      provider: '0x' + '02'.repeat(20),
      token: '0x' + '03'.repeat(20),
      expiry: 0n,
      challengePeriod: 86400n,
      feeBps: 50n,
      nonce: 0n,
    }
    const variants: ChannelTerms[] = [
      { ...base, chainId: 2n },
      { ...base, contract: '0x' + '04'.repeat(20) },
      { ...base, requester: base.provider, provider: base.requester },
      { ...base, token: '0x' + '05'.repeat(20) },
      { ...base, expiry: 1n },
      { ...base, challengePeriod: 86401n },
      { ...base, feeBps: 51n },
      { ...base, nonce: 1n },
    ]
    const ids = new Set([channelId(base), ...variants.map(channelId)])
    expect(ids.size).to.equal(variants.length + 1)
    expect(channelId({ ...base })).to.equal(channelId(base))
    const job = '0x' + 'ab'.repeat(32)
    expect(escrowId(job, base.requester, base.provider)).to.not.equal(escrowId(job, base.provider, base.requester))
    expect(escrowId(job, base.requester, base.provider)).to.match(/^0x[0-9a-f]{64}$/)
  })
})
