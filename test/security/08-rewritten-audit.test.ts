// Issue 11 item 8: an audit must not pass a rewritten log, nor a hidden entry, and a stranger's
// claims must not fail an honest job. Real audited nodes on 127.0.0.1 run two real jobs with one
// provider, anchoring on a real Hardhat JSON-RPC chain; an auditor that took no part verifies
// them over /hive/audit. The hostile parties use nothing but their own peer keys, their own
// logs, their own wallets and the AuditAnchor contract.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { NonceManager } from 'ethers'
import { buildExamples } from '../../examples/build.ts'
import { signAnchorBinding } from '../../protocol/audit/binding.ts'
import { signPeerBinding } from '../../protocol/audit/peer-binding.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { jobSubscribers, subscriptionsExchanged } from '../support/topics.ts'
import { startDevChain } from '../support/chain.ts'
import { startAuditPeer, until } from '../node/audit/net.ts'
import { rebuildLog, serveInstead } from '../node/audit/tamper.ts'
import type { AuditPeer } from '../node/audit/net.ts'
import type { RebuiltLog } from '../node/audit/tamper.ts'
import type { DevChain } from '../support/chain.ts'
import type { AuditVerdict, VerdictRow } from '../../protocol/audit/verdict.ts'
import type { AuditEntry } from '../../protocol/audit/index.ts'
import type { Signer } from 'ethers'
import { bindContract } from '../../node/chain/contracts.ts'
import type { AuditAnchor } from '../../node/chain/typechain.ts'

const HIVE = 10n ** 18n
const ANCHOR_ABI = [
  'function anchor(bytes32 root, uint64 treeSize)',
  'function bindPeer(bytes peerId, uint64 nonce, bytes signature)',
  'function bindingCount(bytes peerId) view returns (uint256)',
]

function show(v: AuditVerdict): string {
  const line = (r: VerdictRow): string =>
    `${r.status.padEnd(11)} ${r.subject.slice(-8)} ${r.check} ${r.code ?? ''} ${r.message}`
  return `${v.outcome}\n` + v.rows.map(line).join('\n')
}
const rowsOf = (v: AuditVerdict, subject: string): VerdictRow[] => v.rows.filter((r) => r.subject === subject)
const failed = (rows: VerdictRow[]): string[] => [
  ...new Set(rows.filter((r) => r.status === 'FAIL').map((r) => r.code ?? r.check)),
]

describe("security 08: an audit passes no rewritten log, no hidden entry, and no stranger's claim", function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec-08-'))
  const peers: AuditPeer[] = []
  const forged: RebuiltLog[] = []
  let chain: DevChain
  let requester: AuditPeer
  let hider: AuditPeer
  let provider: AuditPeer
  let auditor: AuditPeer
  let mallory: AuditPeer
  let honestJob: string
  let hiddenJob: string
  const id = (p: AuditPeer): string => p.node.peerId.toString()
  const anchorAt = (w: Signer): AuditAnchor =>
    bindContract<AuditAnchor>(chain.deployment.contracts.AuditAnchor.address, ANCHOR_ABI, w)
  const isJob = (e: AuditEntry, job: string): boolean =>
    e.type !== 'anchored' && Buffer.from(e.jobId).toString('hex') === job
  const peerOf = (p: AuditPeer): Uint8Array => p.node.peerId.toMultihash().bytes

  async function runJob(from: AuditPeer, text: string): Promise<string> {
    const modules = await buildExamples()
    const posted = await from.market!.requester!.post({
      module: readFileSync(modules.wordcount),
      inputs: [{ name: 'poem.txt', data: new TextEncoder().encode(text) }],
      maxPrice: HIVE,
      bidWindowMs: 1500,
    })
    const record = await from.market!.requester!.wait(posted.jobId, { signal: AbortSignal.timeout(30_000) })
    const seen = provider.events.filter((e) => 'jobId' in e && e.jobId === posted.jobId)
    expect(record.phase, JSON.stringify({ failure: record.failure, provider: seen })).to.equal('completed')
    return posted.jobId
  }

  /** Until AuditAnchor records a binding of `p`'s peer id (before the defence there is none to wait for). */
  async function bound(p: AuditPeer, w: Signer): Promise<void> {
    const count = async (): Promise<bigint> =>
      await anchorAt(w)
        .bindingCount.staticCall(peerOf(p))
        .catch(() => 1n)
    await until(`${p.name} bound on-chain`, async () => (await count()) > 0n)
  }

  before(async function () {
    this.timeout(180_000)
    const [devChain] = await Promise.all([startDevChain(), buildExamples()])
    chain = devChain
    const on = { root, devChain: chain }
    requester = await startAuditPeer('requester', { ...on, roles: 'requester', account: 1 })
    provider = await startAuditPeer('provider', { ...on, roles: 'provider', bootstrap: requester, account: 2 })
    hider = await startAuditPeer('hider', { ...on, roles: 'requester', bootstrap: provider, account: 6 })
    auditor = await startAuditPeer('auditor', { ...on, bootstrap: requester, account: 3 })
    mallory = await startAuditPeer('mallory', { ...on, bootstrap: requester, account: 4 })
    peers.push(requester, provider, hider, auditor, mallory)
    for (const p of [provider, hider, mallory]) await auditor.node.libp2p.dial(multiaddr(p.node.info().addresses[0]))
    for (const r of [requester, hider]) {
      const pubsub = r.node.libp2p.services.pubsub
      const subscribed = (): boolean => jobSubscribers(pubsub).some((s) => s.equals(provider.node.peerId))
      await until(`the provider subscribed (seen by ${r.name})`, subscribed)
    }
    for (const r of [requester, hider])
      await until(`subscriptions exchanged (${r.name} and the provider)`, () =>
        subscriptionsExchanged(r.node.libp2p, [provider.node.libp2p]),
      )
    honestJob = await runJob(requester, 'an honest job\n')
    hiddenJob = await runJob(hider, 'a result the requester will hide\n')
    for (const p of [requester, provider]) {
      expect((await p.audit.anchorer!.anchorNow()).anchored, `${p.name} anchored`).to.equal(true)
    }
  })

  after(async function () {
    this.timeout(60_000)
    for (const f of forged) await f.close().catch(() => {})
    for (const p of peers) await p.stop()
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("a third peer's forged `posted` entry does not fail an honest job", async () => {
    // mallory logs (and anchors) that it posted the honest job: it cannot sign the job's request;
    // and that it sent the requester a result, which the requester never logged
    const jobId = jobIdToBytes(honestJob)
    const result = (await provider.audit.log.entriesForJob(jobId)).find((s) => s.entry.type === 'result')!.entry
    const timestamp = Date.now()
    await mallory.audit.log.append({
      type: 'posted',
      jobId,
      messageHash: randomBytes(32),
      maxPrice: HIVE,
      paymentMode: 'escrow',
      redundancy: 1,
      timestamp,
    })
    if (result.type === 'result') {
      await mallory.audit.log.append({
        type: 'result',
        jobId,
        direction: 'sent',
        counterparty: peerOf(requester),
        messageHash: randomBytes(32),
        outputCid: result.outputCid,
        timestamp,
      })
    }
    // and names a peer nobody can reach, which would leave the verdict INCOMPLETE if it counted
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toMultihash().bytes
    await mallory.audit.log.append({
      type: 'bid',
      jobId,
      direction: 'received',
      counterparty: nobody,
      messageHash: randomBytes(32),
      price: 1n,
      timestamp,
    })
    expect((await mallory.audit.anchorer!.anchorNow()).anchored).to.equal(true)
    try {
      const v = await auditor.audit.auditor().verifyJob(honestJob)
      expect(v.outcome, show(v)).to.equal('VERIFIED')
      expect(v.peers.find((p) => p.role === 'requester')?.peerId, show(v)).to.equal(id(requester))
      expect(
        v.peers.some((p) => p.peerId === id(mallory)),
        show(v),
      ).to.equal(false)
    } finally {
      await mallory.stop() // its claim would only muddle the next tests' verdicts
    }
  })

  it('a requester that hides the result it received fails the audit (UNMATCHED_SENT)', async () => {
    // the hider never logs receiving the result: it anchors and serves a log without it
    const hiderWallet = chain.account(6).connect(chain.provider)
    await bound(hider, hiderWallet)
    await hider.audit.anchorer!.stop()
    const hidden = (e: AuditEntry): boolean => isJob(e, hiddenJob) && (e.type === 'result' || e.type === 'verified')
    const f = await rebuildLog(hider.audit.log, (entries) => entries.filter((e) => !hidden(e)))
    forged.push(f)
    await (await anchorAt(hiderWallet).anchor(await f.log.root(), f.log.size())).wait()
    const restore = await serveInstead(hider, f.log)
    try {
      const v = await auditor.audit.auditor().verifyJob(hiddenJob)
      expect(v.outcome, show(v)).to.equal('FAILED')
      expect(failed(v.rows), show(v)).to.include('UNMATCHED_SENT')
      const named = v.rows.some(
        (r) => r.status === 'FAIL' && r.code === 'UNMATCHED_SENT' && / result /.test(`${r.check} ${r.message}`),
      )
      expect(named, show(v)).to.equal(true)
    } finally {
      await restore()
    }
  })

  it('a provider that switches to a new wallet and anchors a rewritten log fails the audit', async () => {
    await provider.audit.anchorer!.stop()
    // one signer that counts its nonces: the provider's new wallet sends several transactions
    const wallet = new NonceManager(chain.account(5).connect(chain.provider))
    // back-date the result: a rewrite no cross-check with the requester can see
    const backdate = (e: AuditEntry): AuditEntry =>
      isJob(e, honestJob) && e.type === 'result' ? { ...e, timestamp: e.timestamp - 60_000 } : e
    const f = await rebuildLog(provider.audit.log, (entries) => entries.map(backdate))
    forged.push(f)
    // the forged log grows past the honest anchors with entries about some other job
    const grow = async (): Promise<void> => {
      await f.log.append({
        type: 'bid',
        jobId: randomBytes(32),
        direction: 'sent',
        counterparty: peerOf(requester),
        messageHash: randomBytes(32),
        price: 1n,
      })
    }
    await grow()
    await (await anchorAt(wallet).anchor(await f.log.root(), f.log.size())).wait()
    const contract = chain.deployment.contracts.AuditAnchor.address
    const where = { chainId: chain.chainId, contract, address: await wallet.getAddress() }
    const binding = await signAnchorBinding({ ...where, issuedAt: Date.now() }, provider.key)
    const restore = await serveInstead(provider, f.log, binding)
    try {
      // 1. the switch is only in the provider's own signed binding: nothing on-chain records it
      const v = await auditor.audit.auditor().verifyJob(honestJob)
      expect(v.outcome, show(v)).to.equal('FAILED')
      expect(failed(rowsOf(v, id(provider))), show(v)).to.include('BINDING_UNRECORDED')

      // 2. the switch recorded on-chain with the peer's signature: the history keeps the old
      // wallet's anchors, and the rewritten log does not extend them
      const nonce = BigInt(Date.now())
      const sig = await signPeerBinding({ ...where, nonce }, provider.key)
      await (await anchorAt(wallet).bindPeer(peerOf(provider), nonce, sig)).wait()
      await grow()
      await (await anchorAt(wallet).anchor(await f.log.root(), f.log.size())).wait()
      const after = await auditor.audit.auditor().verifyJob(honestJob)
      expect(after.outcome, show(after)).to.equal('FAILED')
      expect(failed(rowsOf(after, id(provider))), show(after)).to.include('HISTORY_REWRITTEN')
      const p = await auditor.audit.auditor().verifyPeer(id(provider))
      expect(p.outcome, show(p)).to.equal('FAILED')
      expect(failed(p.rows), show(p)).to.include('HISTORY_REWRITTEN')
    } finally {
      await restore()
    }
  })
})
