// The audit routes of the local API on a node without a chain account: status, entries, an
// export that an auditor can check (its entries proven against the log's own root), and the
// refusals that tell the user what to do.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { HiveApiClient } from '../../../cli/client.ts'
import { createNodeApi, readApiToken } from '../../../node/api/index.ts'
import { registerAuditRoutes } from '../../../node/audit/api-routes.ts'
import { initDataDir } from '../../../node/config.ts'
import { verifyExport } from '../../../protocol/audit/index.ts'
import { COUNTERPARTY } from './helpers.ts'
import { h } from '../../protocol/audit/story.ts'
import { startAuditPeer } from './net.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { AuditPeer } from './net.ts'

describe('node/audit local API routes', function () {
  this.timeout(30_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-audit-api-'))
  let peer: AuditPeer
  let api: ApiServer
  let client: HiveApiClient
  const job = 'ef'.repeat(32)

  before(async () => {
    await initDataDir(join(root, 'n'))
    peer = await startAuditPeer('n', { root })
    api = createNodeApi(peer.node, { dataDir: peer.dataDir, host: '127.0.0.1', port: 0 })
    registerAuditRoutes(api.routes, peer.audit, peer.node.peerId.toString())
    await api.start()
    const { token } = await readApiToken(peer.dataDir)
    client = new HiveApiClient({ baseUrl: `http://127.0.0.1:${api.endpoint!.port}`, token })
    for (let i = 0; i < 5; i++) {
      await peer.audit.log.append({
        type: 'bid',
        jobId: i % 2 === 0 ? new Uint8Array(Buffer.from(job, 'hex')) : h('other'),
        direction: 'sent',
        counterparty: COUNTERPARTY,
        messageHash: h(`m${i}`),
        price: BigInt(i + 1),
      })
    }
  })

  after(async () => {
    await api?.stop()
    await peer?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('reports the log and that it is not anchored', async () => {
    const s = await client.call('audit.status')
    expect(s).to.include({ peerId: peer.node.peerId.toString(), size: 5, anchoring: null, binding: null })
    expect(s.root).to.match(/^[0-9a-f]{64}$/)
  })

  it('lists entries by job and by range, as JSON with hex and text ids', async () => {
    const byJob = await client.call('audit.entries', { query: { job } })
    expect(byJob.entries.map((e) => e.index)).to.deep.equal([0, 2, 4])
    expect(byJob.entries[0]).to.include({ type: 'bid', direction: 'sent', price: '1', jobId: job })
    const range = await client.call('audit.entries', { query: { start: 3, limit: 10 } })
    expect(range.entries.map((e) => e.index)).to.deep.equal([3, 4])
    await client.request('/v1/audit/entries', { query: new URLSearchParams({ job: 'nope' }) }).then(
      () => {
        throw new Error('expected 400')
      },
      (err: { status?: number }) => {
        expect(err.status).to.equal(400)
      },
    )
  })

  it("exports a job's range with proofs (against the current root when nothing is anchored)", async () => {
    const doc = await client.call('audit.export', { query: { job } })
    const v = verifyExport(doc)
    expect(v.ok, v.ok ? '' : v.message).to.equal(true)
    if (v.ok) expect(v.entries.map((s) => s.entry.index)).to.deep.equal([0, 1, 2, 3, 4])
  })

  it('refuses to anchor without a chain account, and a malformed verify request, saying why', async () => {
    await client.request('/v1/audit/anchor', { method: 'POST', body: {} }).then(
      () => {
        throw new Error('expected 409')
      },
      (err: { status?: number; code?: string; message?: string }) => {
        expect([err.status, err.code]).to.deep.equal([409, 'NO_ANCHORING'])
        expect(err.message).to.match(/rpcUrl.*wallet/)
      },
    )
    await client.request('/v1/audit/verify', { method: 'POST', body: { job: 'xyz' } }).then(
      () => {
        throw new Error('expected 400')
      },
      (err: { status?: number; code?: string }) => {
        expect([err.status, err.code]).to.deep.equal([400, 'INVALID_AUDIT_REQUEST'])
      },
    )
  })

  it('a verify of a job nobody knows is INCOMPLETE and says to name the requester', async () => {
    const v = await client.call('audit.verify', { body: { job: 'aa'.repeat(32) } })
    expect(v.outcome).to.equal('INCOMPLETE')
    expect(v.rows.map((r) => r.code)).to.deep.equal(['NO_REQUESTER'])
    expect(v.rows[0].message).to.match(/--requester/)
  })
})
