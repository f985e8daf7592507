import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { isHiveError } from '../../protocol/errors.ts'
import { SignedHardwareProfile } from '../../protocol/gen/profile.ts'
import { MAX_PROFILE_RECORD_BYTES, decodeProfileBody, encodeProfileBody } from '../../protocol/profile.ts'
import {
  parseProfileKey,
  profileKey,
  selectProfileRecord,
  validateProfileRecord,
} from '../../protocol/profile-record.ts'
import { signProfile, verifyProfile } from '../../protocol/profile-signing.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { PrivateKey } from '@libp2p/interface'

const NOW = 1_760_000_000_000

function sample(peerId: string, over: Partial<HardwareProfile> = {}): HardwareProfile {
  return {
    version: 1,
    peerId,
    cpu: { model: 'AMD EPYC 9454', cores: 48, threads: 96, arch: 'x64', speedMhz: 2750 },
    memoryBytes: 64 * 1024 ** 3,
    gpus: [{ vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 }],
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-18-amd64' },
    benchmark: { cpuScore: 1234, durationMs: 1000 },
    executors: ['wasm'],
    prices: { wasm: '0.0001' },
    issuedAt: NOW - 1000,
    expiresAt: NOW + 60_000,
    ...over,
  }
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p
  } catch (err) {
    expect(isHiveError(err, code), `expected ${code}, got ${String(err)}`).to.equal(true)
    return
  }
  expect.fail(`expected rejection with ${code}`)
}

describe('protocol/profile', () => {
  let key: PrivateKey
  let peerId: string
  let otherKey: PrivateKey
  let otherPeerId: string

  before(async () => {
    key = await generateKeyPair('Ed25519')
    peerId = peerIdFromPrivateKey(key).toString()
    otherKey = await generateKeyPair('Ed25519')
    otherPeerId = peerIdFromPrivateKey(otherKey).toString()
  })

  describe('encoding', () => {
    it('round-trips every field, with lists in canonical order', () => {
      const p = sample(peerId, {
        executors: ['wasm', 'docker', 'wasm'],
        prices: { wasm: '1.5', docker: '2' },
        gpus: [
          { vendor: 'amd', model: 'Radeon RX 6900 XT', vramMiB: 16_384 },
          { vendor: 'intel', model: 'UHD 630', vramMiB: 0 },
        ],
        ethAddress: '0x' + 'ab'.repeat(20),
        ethBinding: new Uint8Array(65).fill(7),
      })
      const decoded = decodeProfileBody(encodeProfileBody(p))
      expect(decoded).to.deep.equal({ ...p, executors: ['docker', 'wasm'], prices: { docker: '2', wasm: '1.5' } })
    })

    it('encodes equal profiles to equal bytes regardless of list order', () => {
      const a = encodeProfileBody(sample(peerId, { executors: ['b', 'a'], prices: { b: '1', a: '2' } }))
      const b = encodeProfileBody(sample(peerId, { executors: ['a', 'b'], prices: { a: '2', b: '1' } }))
      expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true)
    })

    const bad: Array<[string, Partial<HardwareProfile>]> = [
      ['zero cores', { cpu: { model: 'x', cores: 0, threads: 1, arch: 'x64', speedMhz: 0 } }],
      ['an executor with capitals', { executors: ['WASM'] }],
      ['a non-decimal price', { prices: { wasm: '1e5' } }],
      [
        'a control character in a model name',
        { cpu: { model: 'evil\u001b[2J', cores: 1, threads: 1, arch: 'x64', speedMhz: 0 } },
      ],
      ['expiry before issue', { issuedAt: NOW, expiresAt: NOW - 1 }],
      ['a lifetime over 24 h', { issuedAt: NOW, expiresAt: NOW + 25 * 3600_000 }],
      ['a binding without an address', { ethBinding: new Uint8Array(65) }],
      ['17 GPUs', { gpus: Array.from({ length: 17 }, () => ({ vendor: 'nvidia', model: 'x', vramMiB: 1 })) }],
      ['version 2', { version: 2 }],
    ]
    for (const [what, over] of bad) {
      it(`refuses to encode a profile with ${what}`, () => {
        expect(() => encodeProfileBody(sample(peerId, over)))
          .to.throw()
          .that.satisfies((e: unknown) => isHiveError(e))
      })
    }

    it('rejects a body that is not canonical (unsorted executors on the wire)', async () => {
      const sorted = encodeProfileBody(sample(peerId, { executors: ['a', 'b'] }))
      // swap the two executor strings in place: same length, so still well-formed protobuf
      const text = Buffer.from(sorted)
      const ia = text.indexOf(Buffer.from([0x3a, 0x01, 0x61]))
      const ib = text.indexOf(Buffer.from([0x3a, 0x01, 0x62]))
      text[ia + 2] = 0x62
      text[ib + 2] = 0x61
      expect(() => decodeProfileBody(text))
        .to.throw()
        .that.satisfies((e: unknown) => isHiveError(e, 'PROFILE_NOT_CANONICAL'))
    })
  })

  describe('signing and the DHT validator', () => {
    it('accepts a record signed by the peer named in the key', async () => {
      const record = await signProfile(sample(peerId), key)
      const p = await validateProfileRecord(profileKey(peerId), record, NOW)
      expect(p.peerId).to.equal(peerId)
      expect(p.benchmark.cpuScore).to.equal(1234)
    })

    it('rejects a record whose signature does not verify', async () => {
      const record = SignedHardwareProfile.decode(await signProfile(sample(peerId), key))
      record.signature[10] ^= 0xff
      await expectCode(
        validateProfileRecord(profileKey(peerId), SignedHardwareProfile.encode(record), NOW),
        'PROFILE_BAD_SIGNATURE',
      )
    })

    it('rejects a body changed after signing', async () => {
      const record = SignedHardwareProfile.decode(await signProfile(sample(peerId), key))
      const tampered = encodeProfileBody({ ...decodeProfileBody(record.body), memoryBytes: 1024 ** 4 })
      await expectCode(
        validateProfileRecord(
          profileKey(peerId),
          SignedHardwareProfile.encode({ body: tampered as Uint8Array<ArrayBuffer>, signature: record.signature }),
          NOW,
        ),
        'PROFILE_BAD_SIGNATURE',
      )
    })

    it('rejects an expired record, and accepts it one millisecond earlier', async () => {
      const record = await signProfile(sample(peerId, { expiresAt: NOW + 10 }), key)
      await validateProfileRecord(profileKey(peerId), record, NOW + 9)
      await expectCode(validateProfileRecord(profileKey(peerId), record, NOW + 10), 'PROFILE_EXPIRED')
    })

    it('rejects a record issued far in the future', async () => {
      const record = await signProfile(sample(peerId, { issuedAt: NOW + 3_600_000, expiresAt: NOW + 7_200_000 }), key)
      await expectCode(validateProfileRecord(profileKey(peerId), record, NOW), 'PROFILE_NOT_YET_VALID')
    })

    it('rejects an oversized record before decoding it', async () => {
      const record = await signProfile(sample(peerId), key)
      const padded = new Uint8Array(MAX_PROFILE_RECORD_BYTES + 1)
      padded.set(record)
      await expectCode(validateProfileRecord(profileKey(peerId), padded, NOW), 'PROFILE_TOO_LARGE')
      // every field within its character limit, but 3-byte UTF-8 characters push the bytes past 8 KiB
      const big = sample(peerId, {
        gpus: Array.from({ length: 16 }, () => ({ vendor: '€'.repeat(64), model: '€'.repeat(128), vramMiB: 1 })),
      })
      await expectCode(signProfile(big, key), 'PROFILE_TOO_LARGE')
    })

    it('rejects a record stored under another peer id', async () => {
      const record = await signProfile(sample(peerId), key)
      await expectCode(validateProfileRecord(profileKey(otherPeerId), record, NOW), 'PROFILE_PEER_MISMATCH')
    })

    it('rejects a profile naming peer A signed with the key of peer B', async () => {
      await expectCode(signProfile(sample(peerId), otherKey), 'PROFILE_PEER_MISMATCH')
      // forge it by hand: body names A, signature by B
      const body = encodeProfileBody(sample(peerId))
      const { profileSigningBytes } = await import('../../protocol/profile-signing.ts')
      const signature = await otherKey.sign(profileSigningBytes(body))
      const forged = SignedHardwareProfile.encode({
        body: body as Uint8Array<ArrayBuffer>,
        signature: signature as Uint8Array<ArrayBuffer>,
      })
      await expectCode(validateProfileRecord(profileKey(peerId), forged, NOW), 'PROFILE_BAD_SIGNATURE')
    })

    const malformed: Array<[string, Uint8Array]> = [
      ['empty bytes', new Uint8Array(0)],
      ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff)],
      ['a truncated varint', Uint8Array.from([0x0a, 0xff])],
    ]
    for (const [what, bytes] of malformed) {
      it(`rejects ${what}`, async () => {
        await expectCode(validateProfileRecord(profileKey(peerId), bytes, NOW), 'PROFILE_MALFORMED')
      })
    }

    it('rejects keys outside /hive/hw/<peerId>', () => {
      for (const k of ['/hive/hw/', '/hive/hw/notapeerid', '/pk/abc', `/hive/job/${peerId}`]) {
        expect(() => parseProfileKey(new TextEncoder().encode(k)), k)
          .to.throw()
          .that.satisfies((e: unknown) => isHiveError(e, 'PROFILE_KEY_INVALID'))
      }
      expect(parseProfileKey(profileKey(peerId))).to.equal(peerId)
    })

    it('verifyProfile enforces an expected signer', async () => {
      const record = await signProfile(sample(peerId), key)
      await expectCode(verifyProfile(record, { now: NOW, expectedPeerId: otherPeerId }), 'PROFILE_PEER_MISMATCH')
    })
  })

  describe('selector', () => {
    it('picks the newest record wherever it sits in the list', async () => {
      const older = await signProfile(sample(peerId, { issuedAt: NOW - 5000 }), key)
      const newer = await signProfile(sample(peerId, { issuedAt: NOW - 100 }), key)
      const k = profileKey(peerId)
      expect(await selectProfileRecord(k, [older, newer])).to.equal(1)
      expect(await selectProfileRecord(k, [newer, older])).to.equal(0)
      expect(await selectProfileRecord(k, [older, older, newer, older])).to.equal(2)
    })

    it('ranks an invalid record below any valid one even if it claims to be newer', async () => {
      const valid = await signProfile(sample(peerId, { issuedAt: NOW - 5000 }), key)
      const forged = SignedHardwareProfile.decode(await signProfile(sample(peerId, { issuedAt: NOW }), key))
      forged.signature[0] ^= 1
      const bad = SignedHardwareProfile.encode(forged)
      const foreign = await signProfile(sample(otherPeerId, { issuedAt: NOW }), otherKey)
      expect(await selectProfileRecord(profileKey(peerId), [bad, foreign, valid])).to.equal(2)
    })

    it('breaks ties deterministically, independent of order', async () => {
      const a = await signProfile(sample(peerId, { benchmark: { cpuScore: 1, durationMs: 1 } }), key)
      const b = await signProfile(sample(peerId, { benchmark: { cpuScore: 2, durationMs: 1 } }), key)
      const k = profileKey(peerId)
      const first = [a, b][await selectProfileRecord(k, [a, b])]
      const second = [b, a][await selectProfileRecord(k, [b, a])]
      expect(Buffer.from(first).equals(Buffer.from(second))).to.equal(true)
    })
  })
})

describe('protocol/profile: addresses (issue 13)', () => {
  let peerId: string
  before(async () => {
    peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  })
  const relay = '12D3KooWGYdcZvMrUisLNoP47ZzZRk4sZFfJv1USTv2n7cC6D4rT'
  const circuit = (): string => `/ip4/11.0.2.2/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${peerId}`

  it("round-trips a private provider's circuit addresses, in the signed body", () => {
    const p = sample(peerId, { addrs: [circuit(), '/ip4/12.0.0.1/tcp/4001'] })
    expect(decodeProfileBody(encodeProfileBody(p)).addrs).to.deep.equal(p.addrs)
    expect(decodeProfileBody(encodeProfileBody(sample(peerId))).addrs).to.equal(undefined)
  })

  it('refuses more than 8 addresses, an empty list and strings that are not multiaddrs', () => {
    const bad = [Array.from({ length: 9 }, (_, i) => `/ip4/12.0.0.${i}/tcp/4001`), [], ['not a multiaddr']]
    for (const addrs of bad) {
      expect(() => encodeProfileBody(sample(peerId, { addrs })), JSON.stringify(addrs)).to.throw(/addr/)
    }
  })
})
