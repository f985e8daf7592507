// Issue 16, scenario 8 (disk): a provider whose data dir fills up mid-run. Its data dir is on a
// real 24 MiB tmpfs, filled by a file until the kernel says ENOSPC; LevelDB's writes then fail
// for real. The provider must take no new work and say why (/v1/info, `hive node status`), write
// nothing more (LevelDB would take later writes behind the torn record and lose them at the next
// open: found here, four audit entries of a job completed after space came back were gone after
// the restart), and after a restart with space back work again and hold every audit entry it
// ever acknowledged. A requester on the full disk refuses to post (STORE_FAILING). Mounting needs
// root (CI runs as root); otherwise the suite says it skipped.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { auditService } from '../../../node/audit/index.ts'
import { marketService } from '../../../node/market/service.ts'
import { jobIdToBytes } from '../../../protocol/market/job-id.ts'
import { startTestNode } from '../../support/node.ts'
import { bidRecord } from '../audit/helpers.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { waitFor } from '../../support/wait.ts'
import { fillDisk } from '../../../scripts/chaos/disk-faults.ts'
import type { AuditService } from '../../../node/audit/service.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'

type Peer = HiveNode & { services: { market?: MarketService; audit?: AuditService } }
const HIVE = 10n ** 18n

describe('node/store on a full disk: no new work, said why, nothing acknowledged lost (issue 16)', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-disk-'))
  const small = join(root, 'small')
  let mounted = false
  const nodes: Peer[] = []
  let requester: Peer
  let module: Uint8Array

  before(function () {
    if (process.getuid?.() !== 0) {
      console.log('    skipped: mounting a small tmpfs for the full disk needs root (CI runs as root)')
      this.skip()
    }
    mkdirSync(small)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', small], { stdio: 'pipe' })
    } catch (err) {
      // a container without CAP_SYS_ADMIN, say
      console.log(`    skipped: mounting a tmpfs failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`)
      this.skip()
    }
    mounted = true
  })

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => {})
    if (mounted) execFileSync('umount', [small])
    rmSync(root, { recursive: true, force: true })
  })

  async function start(name: string, roles: string, dir: string): Promise<Peer> {
    const node = await startTestNode(name, {
      root: dir,
      roles,
      ...(requester !== undefined ? { bootstrap: requester } : {}),
      services: { audit: auditService(), market: marketService() },
    })
    nodes.push(node)
    return node
  }

  async function post(from: Peer, text: string) {
    const r = from.services.market!.requester!
    const { jobId } = await r.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(text) }],
      maxPrice: HIVE,
      bidWindowMs: 1_500,
      timeoutMs: 20_000,
    })
    return await r.wait(jobId, { signal: AbortSignal.timeout(60_000) })
  }

  it('takes no work on a full disk, says why, writes nothing more, keeps all it acknowledged', async () => {
    module = readFileSync((await buildExamples()).wordcount)
    requester = await start('requester', 'requester', root)
    let provider = await start('provider', 'provider', small)
    // a requester on the same small disk, started while it has room
    const stuck = await start('stuck-requester', 'requester', small)
    const onTopic = async (p: Peer): Promise<void> => {
      await waitFor(() => jobSubscribers(requester.libp2p.services.pubsub).some((id) => id.equals(p.peerId)), {
        what: 'the provider on the jobs topic',
        timeoutMs: 30_000,
      })
    }
    await onTopic(provider)
    const before = await post(requester, 'written before the disk filled\n')
    expect(before.phase, JSON.stringify(before.failure)).to.equal('completed')
    const acknowledged = await provider.services.audit!.log.entriesForJob(jobIdToBytes(before.jobId))
    expect(acknowledged.length, 'the provider wrote its side of the job').to.be.at.least(2)

    const filler = join(small, 'filler')
    fillDisk(filler)
    // the jobs after it: a full tmpfs refuses new pages, not the free bytes of a page a file
    // already has, so LevelDB's small writes can still land in its log's last page and a job or
    // two may complete (each acknowledged, so kept); the first write that needs a page fails
    for (let i = 0; i < 8 && provider.info().store?.ok !== false; i++) await post(requester, `full disk, job ${i}\n`)
    await waitFor(() => provider.info().store?.ok === false, { what: 'the provider to see its store fail' })
    const store = provider.info().store!
    expect(store.code).to.equal('LEVEL_IO_ERROR')
    expect(store.message).to.match(/No space left on device/)
    // while failing it does not even try: no bid at all
    const refused = await post(requester, 'still full\n')
    expect(refused.phase).to.equal('failed')
    expect(refused.bids).to.deep.equal([])

    // the requester on the full disk: a post fails writing (or its node's own writes failed
    // first), and from then on every post is refused, saying why
    await post(stuck, 'x\n').catch(() => {})
    expect(stuck.info().store).to.deep.include({ ok: false, code: 'LEVEL_IO_ERROR' })
    const refusal = await post(stuck, 'y\n').catch((e: unknown) => e as { code?: string; message: string })
    expect(refusal).to.deep.include({ code: 'STORE_FAILING' })
    expect((refusal as Error).message).to.match(/No space left on device.*free space/)

    // space back: the provider still writes nothing (a torn log record may sit in LevelDB's log)
    // and says so; what it holds in memory is what is on disk
    rmSync(filler)
    const held = provider.services.audit!.log.size()
    const refusedAgain = await post(requester, 'space is back, no restart yet\n')
    expect(refusedAgain.bids).to.deep.equal([])
    expect(provider.info().store).to.deep.include({ ok: false })
    // any write is refused, not only new work: LevelDB would take it (and fsync it) behind the torn
    // record, and lose it at the next open
    const late = await provider.services.audit!.log.append(bidRecord(1)).catch((e: unknown) => e as { code?: string })
    expect(late, 'a write after the failure was acknowledged').to.deep.include({ code: 'STORE_FAILING' })
    expect(provider.services.audit!.log.size()).to.equal(held)

    // a restart with space back: every entry it acknowledged is there, and it works again
    await provider.stop()
    nodes.splice(nodes.indexOf(provider), 1)
    provider = await start('provider', 'provider', small)
    expect(provider.services.audit!.log.size(), 'every acknowledged audit entry survived').to.equal(held)
    const kept = await provider.services.audit!.log.entriesForJob(jobIdToBytes(before.jobId))
    const hex = (e: { hash: Uint8Array }): string => Buffer.from(e.hash).toString('hex')
    expect(kept.map(hex)).to.deep.equal(acknowledged.map(hex))
    await onTopic(provider)
    const after = await post(requester, 'restarted with space\n')
    expect(after.phase, JSON.stringify(after.failure)).to.equal('completed')
    expect(await provider.services.audit!.log.entriesForJob(jobIdToBytes(after.jobId))).to.have.length.at.least(2)
    expect(provider.info().store).to.deep.include({ ok: true })
  })
})
