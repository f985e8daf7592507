// End to end through the `hive audit` CLI, run as separate processes against the local APIs of
// audited nodes (a requester, a provider and an auditor that took no part, with anchoring on a
// real Hardhat JSON-RPC chain): log, anchor, verify a job, verify a peer by its address,
// export and verify files offline but for the RPC, and the exit codes that name what failed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { buildExamples } from '../../examples/build.ts'
import { createNodeApi } from '../../node/api/index.ts'
import { registerAuditRoutes } from '../../node/audit/api-routes.ts'
import { initDataDir } from '../../node/config.ts'
import { jobSubscribers, subscriptionsExchanged } from '../support/topics.ts'
import { runHive } from '../../cli/devnet/processes.ts'
import { startDevChain } from '../support/chain.ts'
import { startAuditPeer, until } from '../node/audit/net.ts'
import type { ApiServer } from '../../node/api/index.ts'
import type { AuditPeer } from '../node/audit/net.ts'
import type { DevChain } from '../support/chain.ts'
import type { AuditVerdict } from '../../protocol/audit/verdict.ts'

describe('e2e: hive audit through the CLI', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-e2e-audit-'))
  const apis: ApiServer[] = []
  const peers: AuditPeer[] = []
  let chain: DevChain
  let requester: AuditPeer
  let provider: AuditPeer
  let auditor: AuditPeer
  let jobId: string

  async function start(
    name: string,
    o: Omit<Parameters<typeof startAuditPeer>[1], 'root' | 'devChain'>,
  ): Promise<AuditPeer> {
    await initDataDir(join(root, name))
    const p = await startAuditPeer(name, { root, devChain: chain, ...o })
    const api = createNodeApi(p.node, { dataDir: p.dataDir, host: '127.0.0.1', port: 0 })
    registerAuditRoutes(api.routes, p.audit, p.node.peerId.toString())
    await api.start()
    apis.push(api)
    peers.push(p)
    return p
  }

  before(async function () {
    this.timeout(180_000)
    const [devChain, modules] = await Promise.all([startDevChain(), buildExamples()])
    chain = devChain
    requester = await start('requester', { roles: 'requester', account: 11 })
    provider = await start('provider', { roles: 'provider', bootstrap: requester, account: 12 })
    auditor = await start('auditor', { bootstrap: requester, account: 13 })
    await auditor.node.libp2p.dial(multiaddr(provider.node.info().addresses[0]))
    const pubsub = requester.node.libp2p.services.pubsub
    await until('the provider subscribed', () => jobSubscribers(pubsub).some((s) => s.equals(provider.node.peerId)))
    await until('subscriptions exchanged', () => subscriptionsExchanged(requester.node.libp2p, [provider.node.libp2p]))
    const posted = await requester.market!.requester!.post({
      module: readFileSync(modules.wordcount),
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('audit me\n') }],
      maxPrice: 10n ** 18n,
      bidWindowMs: 1500,
    })
    jobId = posted.jobId
    const record = await requester.market!.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
  })

  after(async function () {
    this.timeout(60_000)
    for (const a of apis) await a.stop().catch(() => {})
    for (const p of peers) await p.stop()
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const hive = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    await runHive(args, { timeoutMs: 60_000 })

  it('`hive audit anchor` anchors now and prints root, size and transaction', async () => {
    const json = await hive('--node', requester.dataDir, 'audit', 'anchor', '--json')
    expect(json.code, json.stderr).to.equal(0)
    const r = JSON.parse(json.stdout) as { anchored: boolean; treeSize: number; root: string; txHash: string }
    expect(r.anchored).to.equal(true)
    expect(r.treeSize).to.equal(6) // posted, bid, awarded, accepted, result, verified
    expect(r.txHash).to.match(/^0x[0-9a-f]{64}$/)
    const human = await hive('--node', provider.dataDir, 'audit', 'anchor')
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stdout).to.match(/anchored 4 entries as anchor #0\nroot [0-9a-f]{64}\ntx {3}0x[0-9a-f]{64}/)
    // asked again, it anchors the `anchored` entry the first anchor left (the cadence alone would wait for more)
    const again = await hive('--node', provider.dataDir, 'audit', 'anchor')
    expect(again.stdout).to.match(/anchored 5 entries as anchor #1/)
  })

  it("`hive audit log --job` lists this node's entries about the job", async () => {
    const run = await hive('--node', requester.dataDir, 'audit', 'log', '--job', jobId, '--json')
    expect(run.code, run.stderr).to.equal(0)
    const view = JSON.parse(run.stdout) as { size: number; entries: Array<{ type: string; jobId: string }> }
    expect(view.entries.map((e) => e.type)).to.deep.equal([
      'posted',
      'bid',
      'awarded',
      'accepted',
      'result',
      'verified',
    ])
    expect(view.entries.every((e) => e.jobId === jobId)).to.equal(true)
    const table = await hive('--node', provider.dataDir, 'audit', 'log')
    expect(table.stdout)
      .to.match(/anchored/)
      .and.match(/6 of 6 entries/)
    const status = await hive('--node', provider.dataDir, 'audit', 'status')
    expect(status.stdout).to.include(
      `anchoring: as ${await chain.account(12).getAddress()} on chain 31337; last anchor #1 of 5 entries`,
    )
    expect(status.stdout).to.match(/; 0 pending/) // its own `anchored` entry waits for the next anchor without counting
  })

  it('`hive audit verify --job` from a node that took no part prints VERIFIED and exits 0', async () => {
    const run = await hive('--node', auditor.dataDir, 'audit', 'verify', '--job', jobId)
    expect(run.code, run.stdout + run.stderr).to.equal(0)
    expect(run.stdout).to.match(/VERIFIED: job [0-9a-f]{64} — \d+ checks passed, 0 failed, 0 could not be shown/)
    expect(run.stdout)
      .to.match(/requester/)
      .and.match(/provider/)
  })

  it("`hive audit verify --peer <address>` checks that peer's anchors", async () => {
    await hive('--node', requester.dataDir, 'audit', 'anchor') // a second anchor, over the first one's entry
    const run = await hive(
      '--node',
      auditor.dataDir,
      '--json',
      'audit',
      'verify',
      '--peer',
      await chain.account(11).getAddress(),
    )
    expect(run.code, run.stdout + run.stderr).to.equal(0)
    const v = JSON.parse(run.stdout) as AuditVerdict
    expect(v.peers[0].peerId).to.equal(requester.node.peerId.toString())
    expect(v.rows.some((r) => r.check.startsWith('anchors #0') && r.status === 'PASS')).to.equal(true)
  })

  it(
    '`hive audit export` + `verify --file` check offline against the' +
      ' chain; a tampered file fails, naming the check',
    async () => {
      const files = [join(root, 'req.audit.json'), join(root, 'prov.audit.json')]
      for (const [p, f] of [
        [requester, files[0]],
        [provider, files[1]],
      ] as const) {
        const run = await hive('--node', p.dataDir, 'audit', 'export', '--job', jobId, '--out', f)
        expect(run.code, run.stderr).to.equal(0)
      }
      const offline = [
        '--data-dir',
        join(root, 'nowhere'),
        'audit',
        'verify',
        '--rpc',
        chain.url,
        '--deployments',
        chain.deploymentsDir,
        '--job',
        jobId,
      ]
      const ok = await hive(...offline, '--file', files[0], '--file', files[1])
      expect(ok.code, ok.stdout + ok.stderr).to.equal(0)
      expect(ok.stdout).to.match(/VERIFIED: file req\.audit\.json, prov\.audit\.json/)

      const doc = JSON.parse(readFileSync(files[1], 'utf8')) as { entries: Array<{ bytes: string }> }
      const bytes = Buffer.from(doc.entries[2].bytes, 'base64')
      bytes[bytes.length - 1] ^= 1 // one bit of the accepted entry
      doc.entries[2].bytes = bytes.toString('base64')
      const tampered = join(root, 'tampered.audit.json')
      writeFileSync(tampered, JSON.stringify(doc))
      const bad = await hive(...offline, '--file', files[0], '--file', tampered)
      expect(bad.code).to.equal(1)
      expect(bad.stdout).to.match(/FAILED/)
      expect(bad.stderr).to.match(/FAILED: (CHAIN_BROKEN|INCLUSION_FAILED)/)
    },
  )

  it('exits non-zero naming the proofs that could not be obtained from a node that stops serving its log', async () => {
    await provider.audit.server.stop()
    try {
      const run = await hive('--node', auditor.dataDir, 'audit', 'verify', '--job', jobId)
      expect(run.code).to.equal(1)
      expect(run.stdout)
        .to.match(/INCOMPLETE: job/)
        .and.match(/UNAVAILABLE/)
      expect(run.stdout).to.not.match(/^│ FAIL/m)
      expect(run.stderr).to.match(/INCOMPLETE: UNAVAILABLE \(job entries of /)
    } finally {
      await provider.audit.server.start()
    }
  })
})
