// A requester opening channels to two providers at once (two jobs awarded to different providers
// in the same moment, as the namespace testbed does with concurrent jobs): both opens must land.
// Each open carries an ERC-2612 permit signed over the token's nonce for the requester; two opens
// that read the same nonce send two permits with it, and the second transaction reverts.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { startDevChain } from '../../support/chain.ts'
import { connect, startPayPeer } from './helpers.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

describe('node/payments: concurrent channel opens to different providers', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-pay-open-'))
    await chain.giveHive(chain.account(6).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('opens one channel to each of three providers when all three are asked for at once', async () => {
    const requester = await startPayPeer(chain, root, 'r', chain.account(6), { channelDeposit: parseEther('10') })
    const providers = await Promise.all(
      [7, 8, 9].map(async (i) => await startPayPeer(chain, root, `p${i}`, chain.account(i))),
    )
    peers.push(requester, ...providers)
    for (const p of providers) await connect(requester, p)
    const opened = await Promise.allSettled(
      providers.map(
        async (p) => await requester.payments.payer.ensureChannel(p.payments.address, p.node.peerId, parseEther('1')),
      ),
    )
    const errors = opened.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []))
    expect(errors, 'every open lands').to.deep.equal([])
    const open = await requester.payments.channels.list({ role: 'requester', status: ['open'] })
    expect(new Set(open.map((c) => c.provider)).size).to.equal(3)
  })
})
