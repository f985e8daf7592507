// Issue 13: every requester (and a relay running one) joins every job topic, so a requester saw
// other requesters among the topic's subscribers and took them for providers whose profile had not
// reached it yet. It pushed them every job; each push was refused ("protocol selection failed")
// and the peer was back in the live set with the next subscription it heard. In the testbed's
// both-nat run the bootstrap was then the only peer a re-opened job asked, and the job failed.
// A peer that refused a push for the protocol is now left out. Real nodes on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { PROTOCOLS } from '../../../protocol/topics.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'
import type { Libp2p } from '@libp2p/interface'

const HIVE = 10n ** 18n

describe('node/market pushes: a requester on the job topics is no provider', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let other: LivePeer
  let providers: LivePeer[]
  let hello: Uint8Array
  /** every job push the requester opened, by target peer id (/hive/request/2.0.0 first, always) */
  const pushes: string[] = []
  /** pushes retried on /hive/request/1.0.0 after a refusal of version 2 */
  const fallbacks: string[] = []

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-push-nonprov-'))
    pool = new WorkerPool({ size: 1 })
    hello = await helloModule('done\n')
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    other = await startLivePeer('other-requester', { root, roles: 'requester', bootstrap: requester })
    providers = []
    for (let i = 0; i < 2; i++)
      providers.push(await startLivePeer(`provider${i}`, { root, roles: 'provider', bootstrap: requester, pool }))
    // the other requester joins the job topics as every requester does (job-topic-watch.ts)
    await inJobsTopic(requester, [...providers, other])
    const libp2p = requester.node.libp2p as Libp2p
    const dialProtocol = libp2p.dialProtocol.bind(libp2p)
    libp2p.dialProtocol = async (peer, protocols, options) => {
      const list = Array.isArray(protocols) ? protocols : [protocols]
      if (list.includes(PROTOCOLS.requestBid)) pushes.push(peer.toString())
      if (list.includes(PROTOCOLS.request)) fallbacks.push(peer.toString())
      return await dialProtocol(peer, protocols, options)
    }
  })

  after(async () => {
    for (const p of [requester, other, ...providers]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const post = async (): Promise<string> => {
    const { jobId } = await requester.market.requester!.post({
      module: hello,
      maxPrice: HIVE,
      // more than there are peers: every candidate the requester knows is pushed
      maxBidders: 8,
      bidWindowMs: 2_000,
      timeoutMs: 60_000,
    })
    await waitFor(() => eventOf(requester.events, 'job:posted', jobId), {
      what: `the pushes of ${jobId}`,
      timeoutMs: 30_000,
    })
    return jobId
  }

  it('is pushed once, refuses, and is not pushed again; the jobs complete', async () => {
    const otherId = other.node.peerId.toString()
    await post()
    // the premise: the requester took the other requester for a candidate
    expect(
      pushes.filter((p) => p === otherId),
      'the first job was pushed to the other requester',
    ).to.have.length(1)
    // it refused version 2, then version 1: one fallback, and no provider needed one
    expect(fallbacks).to.deep.equal([otherId])
    const seen = pushes.length
    const second = await post()
    const later = pushes.slice(seen)
    expect(later, 'the second job was pushed to the providers').to.include.members(
      providers.map((p) => p.node.peerId.toString()),
    )
    expect(later, 'and not to the requester that refused the first').to.not.include(otherId)
    expect(fallbacks, 'nor retried on version 1').to.deep.equal([otherId])
    const record = await requester.market.requester!.wait(second, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
  })
})
