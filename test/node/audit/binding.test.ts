// The anchoring binding on AuditAnchor as nodes keep it: a node binds its peer id to its account
// before anchoring; a squatter's record for that peer id (no valid signature) is ignored by
// auditors and makes the node bind again before its next anchor, so no anchor is lost.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { startDevChain } from '../../support/chain.ts'
import { bidRecord } from './helpers.ts'
import { startAuditPeer } from './net.ts'
import type { AuditPeer } from './net.ts'
import type { DevChain } from '../../support/chain.ts'
import type { AuditVerdict } from '../../../protocol/audit/verdict.ts'
import { bindContract } from '../../../node/chain/contracts.ts'
import type { AuditAnchor } from '../../../node/chain/typechain.ts'

const show = (v: AuditVerdict): string =>
  `${v.outcome}\n` + v.rows.map((r) => `${r.status} ${r.check} ${r.code ?? ''} ${r.message}`).join('\n')

describe('node/audit: the peer binding on AuditAnchor', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-audit-binding-'))
  let chain: DevChain
  let node: AuditPeer
  let auditor: AuditPeer

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    node = await startAuditPeer('node', { root, devChain: chain, account: 7 })
    auditor = await startAuditPeer('auditor', { root, devChain: chain, account: 8 })
    await auditor.node.libp2p.dial(multiaddr(node.node.info().addresses[0]))
  })

  after(async function () {
    this.timeout(30_000)
    for (const p of [node, auditor]) await p?.stop()
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("binds before anchoring; ignores a squatter's record, and binds again before the next anchor", async () => {
    const peer = node.node.peerId.toMultihash().bytes
    const abi = ['function bindPeer(bytes, uint64, bytes)', 'function bindingCount(bytes) view returns (uint256)']
    const squatter = chain.account(9).connect(chain.provider)
    const contract = bindContract<AuditAnchor>(chain.deployment.contracts.AuditAnchor.address, abi, squatter)
    await node.audit.log.appendAll([bidRecord(1), bidRecord(2)])
    expect((await node.audit.anchorer!.anchorNow()).anchored).to.equal(true)
    expect(await contract.bindingCount(peer)).to.equal(1n)

    // account 9 claims the node's peer id with a signature the peer never made
    await (await contract.bindPeer(peer, 2n ** 63n, new Uint8Array(64).fill(1))).wait()
    const squatted = await auditor.audit.auditor().verifyPeer(node.node.peerId.toString())
    expect(squatted.outcome, show(squatted)).to.equal('VERIFIED')
    expect(
      squatted.rows.some((r) => r.status === 'WARN' && r.code === 'BINDING_FORGED'),
      show(squatted),
    ).to.equal(true)
    expect(squatted.peers[0].address).to.equal(await chain.account(7).getAddress())

    await node.audit.log.appendAll([bidRecord(3)])
    expect((await node.audit.anchorer!.anchorNow()).anchored).to.equal(true)
    expect(await contract.bindingCount(peer)).to.equal(3n)
    const v = await auditor.audit.auditor().verifyPeer(node.node.peerId.toString())
    expect(v.outcome, show(v)).to.equal('VERIFIED')
    expect(v.peers[0].latestAnchor?.index, show(v)).to.equal(1)
    // and by its address: the peer bound to it on-chain
    const byAddress = await auditor.audit.auditor().verifyPeer(await chain.account(7).getAddress())
    expect(byAddress.outcome, show(byAddress)).to.equal('VERIFIED')
    expect(byAddress.peers[0].peerId).to.equal(node.node.peerId.toString())
  })
})
