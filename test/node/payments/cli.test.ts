// The payments CLI against running nodes' APIs (in this process) on a real Hardhat chain:
// `hive channel open|list|close`, `hive escrow list`, `hive slash --list`, all with --json.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { runCli } from '../../../cli/program.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import { initDataDir } from '../../../node/config.ts'
import { startDevChain } from '../../support/chain.ts'
import { expectJob, startPayPeer } from './helpers.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function hive(args: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: '/nonexistent-home' },
    interactive: false,
    shutdownSignal: () => new AbortController().signal,
  })
  return { code, stdout, stderr }
}

describe('cli: hive channel / escrow / slash', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const peers: Array<{ peer: PayPeer; api: ApiServer; dir: string }> = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-paycli-'))
    await chain.giveHive(chain.account(1).address, parseEther('100'))
    for (const [name, account] of [
      ['r', 1],
      ['p', 2],
    ] as const) {
      const dir = join(root, name)
      await initDataDir(dir)
      const peer = await startPayPeer(chain, root, name, chain.account(account))
      const api = createNodeApi(peer.node, { dataDir: dir, host: '127.0.0.1', port: 0 })
      peer.payments.routes(api.routes)
      await api.start()
      peers.push({ peer, api, dir })
    }
  })
  after(async () => {
    for (const p of peers) {
      await p.api.stop().catch(() => {})
      await p.peer.stop().catch(() => {})
    }
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('opens, lists and closes a channel; lists escrows and evidence', async () => {
    const [r, p] = peers
    await r.peer.node.libp2p.peerStore.merge(p.peer.node.peerId, { multiaddrs: p.peer.node.libp2p.getMultiaddrs() })
    const opened = await hive([
      '--data-dir',
      r.dir,
      'channel',
      'open',
      p.peer.payments.address,
      '5',
      '--peer',
      p.peer.node.peerId.toString(),
      '--json',
    ])
    expect(opened.code, opened.stderr).to.equal(0)
    const channelId = (JSON.parse(opened.stdout) as { channel: { channelId: string; deposit: string } }).channel
      .channelId
    for (let i = 0; i < 3; i++)
      await r.peer.payments.payer.pay({
        provider: p.peer.payments.address,
        peer: p.peer.node.peerId,
        amount: parseEther('1'),
        jobId: await expectJob(p.peer, r.peer, (0xc1 + i).toString(16).padStart(64, '0'), parseEther('1')),
      })

    const listed = await hive(['--data-dir', p.dir, 'channel', 'list', '--json'])
    expect(listed.code, listed.stderr).to.equal(0)
    const [ch] = (
      JSON.parse(listed.stdout) as {
        channels: Array<{ channelId: string; role: string; cumulativeAmount: string; remaining: string; nonce: string }>
      }
    ).channels
    expect(ch).to.include({
      channelId,
      role: 'provider',
      cumulativeAmount: parseEther('3').toString(),
      remaining: parseEther('2').toString(),
      nonce: '3',
    })
    const human = await hive(['--data-dir', r.dir, 'channel', 'list'])
    expect(human.stdout).to.include('requester').and.include(p.peer.payments.address)

    const closed = await hive(['--data-dir', p.dir, 'channel', 'close', channelId, '--json'])
    expect(closed.code, closed.stderr).to.equal(0)
    expect((JSON.parse(closed.stdout) as { channel: { status: string; payout: string } }).channel).to.include({
      status: 'closed',
      payout: parseEther('3').toString(),
    })

    const escrows = await hive(['--data-dir', r.dir, 'escrow', 'list', '--json'])
    expect(JSON.parse(escrows.stdout)).to.deep.equal({ address: r.peer.payments.address, escrows: [] })
    const evidence = await hive(['--data-dir', r.dir, 'slash', '--list', '--json'])
    expect(JSON.parse(evidence.stdout)).to.deep.equal({ evidence: [] })
    const bad = await hive(['--data-dir', r.dir, 'slash', '--job', 'nope'])
    expect(bad.code).to.equal(2)
    const missing = await hive(['--data-dir', r.dir, 'slash', '--job', 'ab'.repeat(32), '--json'])
    expect(missing.code).to.not.equal(0)
    expect(missing.stdout + missing.stderr).to.include('NO_EVIDENCE')
  })
})
