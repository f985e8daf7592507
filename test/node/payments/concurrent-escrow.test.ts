// A requester creating escrows for several awards at once (concurrent jobs, or a re-award while
// other jobs are being placed; found by `npm run chaos -- dead-providers`): every create must land.
// Each create approves the escrow contract for its own amount when the allowance is short; two
// creates that read the same allowance both approve `amount` (the second approval overwrites the
// first instead of adding to it), the first create spends it, and the second reverts.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, parseEther, toUtf8Bytes } from 'ethers'
import { escrowId } from '../../../protocol/eip712.ts'
import { startDevChain } from '../../support/chain.ts'
import { startPayPeer } from './helpers.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

describe('node/payments: concurrent escrow creates', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-pay-escrows-'))
    await chain.giveHive(chain.account(6).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('creates four escrows (two providers, two jobs each) asked for at once', async () => {
    const requester = await startPayPeer(chain, root, 'r', chain.account(6))
    const providers = await Promise.all(
      [7, 8].map(async (i) => await startPayPeer(chain, root, `p${i}`, chain.account(i))),
    )
    peers.push(requester, ...providers)
    const deadline = BigInt(await chain.now()) + 600n
    const asks = providers.flatMap((p, i) =>
      [0, 1].map((j) => ({ jobId: keccak256(toUtf8Bytes(`job-${i}-${j}`)), provider: p.payments.address })),
    )
    const created = await Promise.allSettled(
      asks.map(async (a) => await requester.payments.escrow.create(a.jobId, a.provider, parseEther('1'), deadline)),
    )
    const errors = created.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []))
    expect(errors, 'every create lands').to.deep.equal([])
    for (const a of asks) {
      const onChain = await requester.payments.escrow.read(escrowId(a.jobId, requester.payments.address, a.provider))
      expect(onChain.status, a.jobId).to.equal('active')
    }
  })

  // issue 16's dead-providers run ended with 1-3 revoked awards' escrows still locked: the award
  // was revoked while its escrow's creation was queued behind others (creations are serialised)
  it('an award revoked while its escrow is still being created: the escrow is cancelled once it exists', async () => {
    const requester = peers[0]
    const provider = peers[1]
    const jobId = keccak256(toUtf8Bytes('job-revoked-early'))
    const peer = 'peer-of-the-revoked-provider'
    const deadline = BigInt(await chain.now()) + 600n
    const creating = requester.payments.escrow.create(jobId, provider.payments.address, parseEther('1'), deadline, peer)
    // the revocation comes while the create transaction is on its way: no record to cancel yet
    expect(await requester.payments.escrow.cancelRevoked(jobId, peer)).to.equal(undefined)
    const record = await creating
    expect(record.state).to.equal('refunded')
    const onChain = await requester.payments.escrow.read(
      escrowId(jobId, requester.payments.address, provider.payments.address),
    )
    expect(onChain.status).to.equal('refunded')
  })
})
