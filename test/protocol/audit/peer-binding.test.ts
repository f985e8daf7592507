// The on-chain binding history as an auditor reads it: only the peer's signed records count, an
// old signature replayed does not, and the peer's anchors are each account's, in its range.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import {
  attributeAnchors,
  checkBindingHistory,
  signPeerBinding,
  verifyPeerBinding,
} from '../../../protocol/audit/peer-binding.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { AnchorRecord } from '../../../protocol/audit/log-check.ts'
import type { PeerBindingRecord } from '../../../protocol/audit/peer-binding.ts'

const CHAIN = { chainId: 31337, contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' }
const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

describe('protocol/audit: peer bindings on AuditAnchor', () => {
  let key: PrivateKey
  let other: PrivateKey
  let peer: Uint8Array
  before(async () => {
    ;[key, other] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    peer = peerIdToBytes(peerIdFromPrivateKey(key))
  })
  interface RecordOptions {
    fromAnchor?: number
    untilAnchor?: number
    signer?: PrivateKey
  }
  const record = async (
    index: number,
    account: string,
    nonce: bigint,
    o: RecordOptions = {},
  ): Promise<PeerBindingRecord> => ({
    index,
    account,
    nonce,
    since: 1_700_000_000 + index,
    fromAnchor: o.fromAnchor ?? 0,
    ...(o.untilAnchor !== undefined ? { untilAnchor: o.untilAnchor } : {}),
    signature: await signPeerBinding({ ...CHAIN, address: account, nonce }, o.signer ?? key),
  })
  const anchors = (sizes: number[]): AnchorRecord[] =>
    sizes.map((treeSize, index) => ({ index, treeSize, root: new Uint8Array(32).fill(index + 1), timestamp: index }))
  const of = (a: number[], b: number[]): Map<string, AnchorRecord[]> =>
    new Map([
      [A.toLowerCase(), anchors(a)],
      [B.toLowerCase(), anchors(b)],
    ])

  it('a signature covers chain, contract, account, nonce and peer', async () => {
    const sig = await signPeerBinding({ ...CHAIN, address: A, nonce: 5n }, key)
    expect(await verifyPeerBinding(peer, { ...CHAIN, address: A, nonce: 5n }, sig)).to.equal(true)
    const others = [
      { ...CHAIN, address: B, nonce: 5n },
      { ...CHAIN, address: A, nonce: 6n },
      { ...CHAIN, chainId: 1, address: A, nonce: 5n },
      { ...CHAIN, contract: B, address: A, nonce: 5n },
    ]
    for (const f of others) {
      expect(await verifyPeerBinding(peer, f, sig)).to.equal(false)
    }
    const otherPeer = peerIdToBytes(peerIdFromPrivateKey(other))
    expect(await verifyPeerBinding(otherPeer, { ...CHAIN, address: A, nonce: 5n }, sig)).to.equal(false)
  })

  it('ignores records the peer did not sign (a squatter) and old signatures replayed', async () => {
    const history = [
      await record(0, A, 10n),
      await record(1, B, 11n, { signer: other }), // someone else claims the peer id
      await record(2, B, 12n),
      await record(3, A, 10n), // A replays the peer's first signature to take it back
    ]
    history[3].signature = history[0].signature
    const { valid, findings } = await checkBindingHistory(peer, CHAIN, history)
    expect(valid.map((r) => r.index)).to.deep.equal([0, 2])
    expect(findings.map((f) => [f.code, f.status])).to.deep.equal([
      ['BINDING_FORGED', 'WARN'],
      ['BINDING_REPLAYED', 'WARN'],
    ])
  })

  it("attributes each account's anchors in its range, in binding order", async () => {
    const valid = [await record(0, A, 1n, { fromAnchor: 1, untilAnchor: 3 }), await record(1, B, 2n, { fromAnchor: 1 })]
    const { anchors: out, findings } = attributeAnchors(valid, of([2, 5, 8, 30], [1, 9, 12]))
    expect(out.map((a) => [a.submitter, a.index, a.treeSize])).to.deep.equal([
      [A, 1, 5],
      [A, 2, 8],
      [B, 1, 9],
      [B, 2, 12],
    ])
    expect(findings).to.deep.equal([])
  })

  it('names a new account that starts the log over (HISTORY_REWRITTEN) and leaves its anchor out', async () => {
    const valid = [await record(0, A, 1n, { untilAnchor: 2 }), await record(1, B, 2n)]
    const { anchors: out, findings } = attributeAnchors(valid, of([5, 8], [3, 10]))
    expect(out.map((a) => a.treeSize)).to.deep.equal([5, 8, 10])
    expect(findings.map((f) => [f.code, f.status])).to.deep.equal([['HISTORY_REWRITTEN', 'FAIL']])
  })
})
