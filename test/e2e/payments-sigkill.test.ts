// A provider process is killed with SIGKILL right after it acknowledged a voucher: on restart
// the voucher is there (a nonce never goes backwards) and the channel redeems it in full.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { parseEther } from 'ethers'
import { startDevChain } from '../support/chain.ts'
import { startPayPeer } from '../node/payments/helpers.ts'
import type { DevChain } from '../support/chain.ts'
import type { PayPeer } from '../node/payments/helpers.ts'

const CHILD = resolve(import.meta.dirname, '..', 'node', 'payments', 'provider-child.ts')

describe('e2e: payments survive SIGKILL of the provider', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let requester: PayPeer
  const children: ChildProcess[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sigkill-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startPayPeer(chain, root, 'requester', chain.account(1), { channelDeposit: parseEther('100') })
  })
  after(async () => {
    for (const c of children) c.kill('SIGKILL')
    await requester?.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  async function startChild(
    dataDir: string,
  ): Promise<{ child: ChildProcess; peerId: string; addrs: string[]; address: string }> {
    const child = spawn(process.execPath, ['--import=tsx', CHILD, dataDir, chain.url, chain.deploymentsDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        HIVE_TEST_PROVIDER_KEY: chain.account(2).privateKey,
        HIVE_TEST_EXPECT: `${chain.account(1).address}:${parseEther('0.5')}:100`,
      },
    })
    children.push(child)
    const line = await new Promise<string>((ok, fail) => {
      const rl = createInterface({ input: child.stdout! })
      rl.once('line', ok)
      child.once('exit', (code) => fail(new Error(`provider child exited with ${code}`)))
    })
    return { child, ...(JSON.parse(line) as { peerId: string; addrs: string[]; address: string }) }
  }

  it('keeps every acknowledged voucher across SIGKILLs and redeems the newest', async () => {
    const dataDir = join(root, 'provider')
    let lastAcked = { nonce: 0n, cumulativeAmount: 0n, channelId: '' }
    let job = 0
    for (let round = 0; round < 3; round++) {
      const p = await startChild(dataDir)
      const peer = peerIdFromString(p.peerId)
      await requester.node.libp2p.peerStore.merge(peer, { multiaddrs: p.addrs.map((a) => multiaddr(a)) })
      const count = 5 + round * 7
      for (let i = 0; i < count; i++) {
        const paid = await requester.payments.payer.pay({
          provider: p.address,
          peer,
          amount: parseEther('0.5'),
          jobId: '0x' + (0xe2e000 + job++).toString(16).padStart(64, '0'),
        })
        lastAcked = paid
        // the moment the last ack is in our hands, the provider dies
        if (i === count - 1) p.child.kill('SIGKILL')
      }
      await new Promise((ok) => p.child.once('exit', ok))
      await requester.node.libp2p.hangUp(peer).catch(() => {})
    }
    // the provider's node comes back in-process on the same data dir and closes with what it kept
    const provider = await startPayPeer(chain, root, 'provider', chain.account(2))
    try {
      const best = await provider.payments.channels.best(lastAcked.channelId)
      expect(BigInt(best!.nonce)).to.equal(lastAcked.nonce)
      expect(BigInt(best!.cumulativeAmount)).to.equal(lastAcked.cumulativeAmount)
      const before = await chain.contracts.token.balanceOf.staticCall(provider.payments.address)
      const payout = await provider.payments.tower.closeWithBest(lastAcked.channelId, 'test')
      expect(payout).to.equal(lastAcked.cumulativeAmount)
      // the close credits the payout (pull payments); the node withdraws it
      await provider.payments.credits.sweep()
      expect((await chain.contracts.token.balanceOf.staticCall(provider.payments.address)) - before).to.equal(
        lastAcked.cumulativeAmount,
      )
    } finally {
      await provider.stop()
    }
  })
})
