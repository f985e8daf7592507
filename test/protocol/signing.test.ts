import { expect } from 'chai'
import fc from 'fast-check'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isHiveError } from '../../protocol/errors.ts'
import {
  ed25519PeerIdFromBytes,
  peerIdToBytes,
  signedBytes,
  signWithDomain,
  verifyBySigner,
  verifyWithDomain,
} from '../../protocol/signing.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('protocol/signing', () => {
  let key: Ed25519PrivateKey
  let other: Ed25519PrivateKey
  before(async () => {
    key = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(1))
    other = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(2))
  })

  it("signs exactly as the libp2p key itself would (the imported key is the key's own seed)", async () => {
    for (const k of [key, other, await generateKeyPair('Ed25519')]) {
      for (const payload of [new Uint8Array(0), enc('a job'), new Uint8Array(3000).fill(9)]) {
        const ours = await signWithDomain(k, 'hive/test/1', payload)
        expect(ours).to.deep.equal(await k.sign(signedBytes('hive/test/1', payload)))
        expect(await verifyWithDomain(k.publicKey, 'hive/test/1', payload, ours)).to.equal(true)
      }
    }
  })

  it('prefixes the payload with the length-prefixed domain', () => {
    expect([...signedBytes('ab', new Uint8Array([7, 8]))]).to.deep.equal([2, 97, 98, 7, 8])
    expect(() => signedBytes('', new Uint8Array(0))).to.throw(TypeError)
    expect(() => signedBytes('x'.repeat(128), new Uint8Array(0))).to.throw(TypeError)
    expect(() => signedBytes('has space', new Uint8Array(0))).to.throw(TypeError)
  })

  it('property: distinct (domain, payload) pairs never give the same signed bytes', () => {
    const domain = fc.stringMatching(/^[\x21-\x7e]{1,12}$/)
    fc.assert(
      fc.property(
        domain,
        fc.uint8Array({ maxLength: 16 }),
        domain,
        fc.uint8Array({ maxLength: 16 }),
        (d1, p1, d2, p2) => {
          const same = d1 === d2 && Buffer.from(p1).equals(Buffer.from(p2))
          return Buffer.from(signedBytes(d1, p1)).equals(Buffer.from(signedBytes(d2, p2))) === same
        },
      ),
    )
  })

  it('verifies only the same key, domain and payload', async () => {
    const payload = enc('a bid')
    const sig = await signWithDomain(key, 'hive/test/1', payload)
    expect(sig.length).to.equal(64)
    expect(await verifyWithDomain(key.publicKey, 'hive/test/1', payload, sig)).to.equal(true)
    expect(await verifyWithDomain(key.publicKey, 'hive/test/2', payload, sig)).to.equal(false)
    expect(await verifyWithDomain(key.publicKey, 'hive/test/1', enc('a bId'), sig)).to.equal(false)
    expect(await verifyWithDomain(other.publicKey, 'hive/test/1', payload, sig)).to.equal(false)
    expect(await verifyWithDomain(key.publicKey, 'hive/test/1', payload, sig.subarray(0, 63))).to.equal(false)
    // a plain signature of the payload (no domain) is not a domain signature
    expect(await verifyWithDomain(key.publicKey, 'hive/test/1', payload, await key.sign(payload))).to.equal(false)
  })

  it(
    'decoded keys are kept per key: interleaved signers verify' + ' as before, and only against their own key',
    async () => {
      const keys = await Promise.all(
        [1, 2, 3].map(async (i) => await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(i))),
      )
      const payload = new TextEncoder().encode('same payload')
      const sigs = await Promise.all(keys.map(async (k) => await signWithDomain(k, 'hive/test/1', payload)))
      for (let round = 0; round < 3; round++)
        for (let i = 0; i < keys.length; i++)
          for (let j = 0; j < keys.length; j++)
            expect(await verifyWithDomain(keys[j].publicKey, 'hive/test/1', payload, sigs[i])).to.equal(i === j)
    },
  )

  it('checks a signature against the signer named by its wire peer id', async () => {
    const sig = await signWithDomain(key, 'd', enc('x'))
    expect(await verifyBySigner(peerIdToBytes(peerIdFromPrivateKey(key)), 'd', enc('x'), sig)).to.equal(true)
    expect(await verifyBySigner(peerIdToBytes(peerIdFromPrivateKey(other)), 'd', enc('x'), sig)).to.equal(false)
    expect(await verifyBySigner(new Uint8Array([1, 2, 3]), 'd', enc('x'), sig)).to.equal(false)
  })

  it('insists on Ed25519 keys and peer ids', async () => {
    const secp = await generateKeyPair('secp256k1')
    try {
      await signWithDomain(secp, 'd', enc('x'))
      expect.fail('signed with secp256k1')
    } catch (err) {
      expect(err).to.be.instanceOf(TypeError)
    }
    expect(await verifyWithDomain(secp.publicKey, 'd', enc('x'), new Uint8Array(64))).to.equal(false)
    const id = peerIdFromPrivateKey(key)
    expect(ed25519PeerIdFromBytes(peerIdToBytes(id)).equals(id)).to.equal(true)
    for (const bad of [peerIdToBytes(peerIdFromPrivateKey(secp)), new Uint8Array(38), new Uint8Array(0)]) {
      expect(() => ed25519PeerIdFromBytes(bad))
        .to.throw()
        .that.satisfies((e: unknown) => isHiveError(e, 'INVALID_PEER_ID'))
    }
  })

  it('verifies thousands of signatures a second (measured, logged as JSON)', async () => {
    const n = 2000
    const payloads = Array.from({ length: n }, (_, i) => enc(`bid ${i} `.repeat(20)))
    const sigs = await Promise.all(payloads.map(async (p) => await signWithDomain(key, 'hive/market/bid/1', p)))
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      if (!(await verifyWithDomain(key.publicKey, 'hive/market/bid/1', payloads[i], sigs[i])))
        expect.fail(`signature ${i} did not verify`)
    }
    const verifiesPerSec = Math.round(n / ((performance.now() - start) / 1000))
    console.log(
      '      ' +
        JSON.stringify({ measure: 'ed25519-verify', payloadBytes: payloads[0].length, verifies: n, verifiesPerSec }),
    )
    // generous floor (the machine is shared); the logged figure is the one that matters
    expect(verifiesPerSec).to.be.greaterThan(300)
  })
})
