// Token-holder governance end to end, from the CLI: real `hive` processes against a real Hardhat
// JSON-RPC node, and a provider node (a `hive node start` process) that obeys ProtocolParams live.
// Holders delegate, one proposes raising the minimum stake, several vote, the proposal is queued
// and executed after `hive devnet time`; the provider below the new minimum stops bidding within
// 2 s of the execution block and bids again after staking more. Every refusal is checked for its
// reason and exit code, and a proposal that misses quorum is defeated.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { buildExamples } from '../../examples/build.ts'
import type { HiveApiClient } from '../../cli/client.ts'
import { NodeProcess, runHive } from '../../cli/devnet/processes.ts'
import type { HiveRun } from '../../cli/devnet/processes.ts'
import { loopbackTcpAddress } from '../../cli/devnet/network.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { RouteReply } from '../../node/api/contract/index.ts'
import { startDevChain } from '../support/chain.ts'
import { waitFor } from '../support/wait.ts'
import type { DevChain } from '../support/chain.ts'

const PASS = 'governance e2e passphrase'
const M = 1_000_000n * 10n ** 18n
// votingDelay 10 s and timelockDelay 20 s (instead of devnetParams' 1 s and 5 s) leave room
// for the CLI's own start-up when a test must act before a window opens
const PARAMS = { votingDelay: 10n, votingPeriod: 30n, timelockDelay: 20n }

interface Refusal {
  error: { code: string; message: string }
}

describe('e2e: governance from the CLI, obeyed live by a provider node', function () {
  this.timeout(120_000)
  let chain: DevChain
  let work: string
  let env: Record<string, string>
  const dirs = { a: '', b: '', c: '', provider: '', requester: '' }
  const nodes: NodeProcess[] = []
  let providerApi: HiveApiClient
  let requesterApi: HiveApiClient
  let wasm: string
  let keepLogs = false

  const hive = async (dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<HiveRun> =>
    await runHive(['--data-dir', dir, ...args], { env: { ...env, ...extraEnv }, timeoutMs: 60_000 })
  const ok = <T>(run: HiveRun): T => {
    expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0)
    return JSON.parse(run.stdout) as T
  }
  const refused = (run: HiveRun, code: string, exit = 1): string => {
    expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(exit)
    const body = JSON.parse(run.stderr.trim().split('\n').pop()!) as Refusal
    expect(body.error.code, body.error.message).to.equal(code)
    return body.error.message
  }

  async function startNode(name: keyof typeof dirs, args: string[]): Promise<HiveApiClient> {
    const p = new NodeProcess({
      name,
      dataDir: dirs[name],
      logFile: join(work, `${name}.log`),
      args: ['--benchmark', '200ms', ...args],
      env,
    })
    nodes.push(p)
    p.start()
    return await p.waitForApi(60_000)
  }

  async function post(): Promise<JobRecord> {
    const module = (await readFile(wasm)).toString('base64')
    const { jobId } = await requesterApi.call('jobs.post', {
      body: {
        module,
        inputs: [{ name: 'a.txt', data: Buffer.from('one two\n').toString('base64') }],
        maxPrice: parseEther('1').toString(),
        bidWindowMs: 800,
        timeoutMs: 8_000,
      },
    })
    for (;;) {
      const record = await requesterApi.call('jobs.get', { params: { jobId } })
      if (record.phase === 'completed' || record.phase === 'failed') return record
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const stake = async (): Promise<RouteReply<'chain.stake'>> => await providerApi.call('chain.stake')

  before(async function () {
    this.timeout(240_000)
    ;[chain, work, wasm] = await Promise.all([
      startDevChain({ params: PARAMS }),
      mkdtemp(join(tmpdir(), 'hive-gov-e2e-')),
      buildExamples().then((m) => m.wordcount),
    ])
    env = { HIVE_RPC_URL: chain.url, HIVE_DEPLOYMENTS: chain.deploymentsDir, HIVE_PASSPHRASE: PASS }
    for (const k of Object.keys(dirs) as Array<keyof typeof dirs>) dirs[k] = join(work, k)
    // every participant: a data dir and a wallet (weak KDF: devnet only)
    await Promise.all(
      [dirs.provider, dirs.requester].map(async (d) => ok(await runHive(['--data-dir', d, 'init', '--json']))),
    )
    const wallets = await Promise.all(
      Object.values(dirs).map(async (d) =>
        ok<{ address: string }>(await hive(d, ['wallet', 'create', '--devnet-kdf', '--json'])),
      ),
    )
    const [a, b, c, provider, requester] = wallets.map((w) => w.address)
    for (const addr of [a, b, c, provider, requester]) await chain.setEth(addr, parseEther('100'))
    // supply 1e9 HIVE, quorum 4% = 40M: a + b reach it, c alone does not
    await chain.giveHive(a, 30n * M)
    await chain.giveHive(b, 20n * M)
    await chain.giveHive(c, 1n * M)
    await chain.giveHive(provider, 1000n * 10n ** 18n)
    await chain.giveHive(requester, 1000n * 10n ** 18n) // to pay for jobs where payments are wired in
    ok(await hive(dirs.provider, ['stake', 'deposit', '150', '--json']))
    requesterApi = await startNode('requester', ['--role', 'requester'])
    const bootstrap = loopbackTcpAddress(await requesterApi.info())
    providerApi = await startNode('provider', ['--role', 'provider', '--bootstrap', bootstrap])
    // the provider identified by the requester (its market protocol known): the gossip topics are
    // exchanged on that connection, long before the first job of the lifecycle test is posted
    const providerId = (await providerApi.info()).peerId
    await waitFor(
      async () =>
        (await requesterApi.call('node.peers')).peers.some(
          (p) => p.peerId === providerId && p.protocols.some((x) => x.startsWith('/hive/')),
        ),
      { what: 'the provider connected and identified by the requester', timeoutMs: 60_000, intervalMs: 100 },
    )
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true
  })

  after(async function () {
    this.timeout(60_000)
    await Promise.all(nodes.map(async (n) => await n.stop(10_000)))
    if (keepLogs) {
      for (const n of nodes)
        console.error(
          `--- ${n.name} log (tail) ---\n${(await readFile(n.logFile, 'utf8').catch(() => '')).slice(-4000)}`,
        )
      console.error(`--- hardhat (tail) ---\n${chain?.output().slice(-2000)}`)
    }
    await chain?.stop()
    if (work !== undefined) await rm(work, { recursive: true, force: true })
  })

  it('holders delegate their votes (self by default) and the output says why', async () => {
    const runs = await Promise.all(
      [dirs.a, dirs.b, dirs.c].map(async (d) => await hive(d, ['token', 'delegate', '--json'])),
    )
    const [a, b, c] = runs.map((r) => ok<{ from: string; delegate: string; votesOfDelegate: string }>(r))
    expect(a.delegate).to.equal(a.from)
    expect(BigInt(a.votesOfDelegate)).to.equal(30n * M)
    expect(BigInt(b.votesOfDelegate)).to.equal(20n * M)
    expect(BigInt(c.votesOfDelegate)).to.equal(1n * M)
    const text = await hive(dirs.a, ['token', 'balance'])
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stdout)
      .to.match(/balance\s+30000000 HIVE/)
      .and.to.match(/votes\s+30000000 HIVE/)
    const human = await hive(dirs.c, ['token', 'delegate'])
    expect(human.stdout).to.match(/counts as votes only once delegated/)
  })

  it(
    'full lifecycle: propose, refusals, votes, queue, execute; the provider' +
      ' stops bidding within 2 s and bids again after staking more',
    async () => {
      // the provider bids now (150 >= 100)
      expect((await stake()).eligible).to.equal(true)
      const before = await post()
      expect(before.phase, JSON.stringify(before.failure)).to.equal('completed')
      expect(before.awards.map((x) => x.provider)).to.deep.equal([(await providerApi.info()).peerId])

      const proposed = ok<{ proposalId: string; actions: Array<{ decoded: string }>; state: string }>(
        await hive(dirs.a, [
          'gov',
          'propose',
          '--set',
          'minProviderStake=300',
          '--description',
          'Raise the minimum provider stake to 300 HIVE',
          '--json',
        ]),
      )
      const id = proposed.proposalId
      expect(proposed.actions.map((x) => x.decoded)).to.deep.equal([
        'ProtocolParams.setParam(minProviderStake, 300 HIVE)',
      ])
      expect(proposed.state).to.equal('pending')

      expect(refused(await hive(dirs.b, ['gov', 'vote', id, 'for', '--json']), 'GOV_NOT_ACTIVE')).to.match(
        /not active yet: voting opens at .*in \d+ s/,
      )
      ok(await hive(dirs.a, ['devnet', 'time', '11s', '--json']))
      const votes = await Promise.all([
        hive(dirs.a, ['gov', 'vote', id, 'for', '--reason', 'stake should track the token price', '--json']),
        hive(dirs.b, ['gov', 'vote', id.slice(0, 10), 'for', '--json']), // an id prefix works too
        hive(dirs.c, ['gov', 'vote', id, 'against', '--json']),
      ])
      votes.forEach((v) => ok(v))
      refused(await hive(dirs.a, ['gov', 'vote', id, 'against', '--json']), 'GOV_ALREADY_VOTED')
      expect(refused(await hive(dirs.a, ['gov', 'queue', id, '--json']), 'GOV_VOTING_NOT_OVER')).to.match(
        /still being voted on until/,
      )
      refused(await hive(dirs.a, ['gov', 'execute', id, '--json']), 'GOV_VOTING_NOT_OVER')

      ok(await hive(dirs.a, ['devnet', 'time', '31s', '--json']))
      expect(refused(await hive(dirs.c, ['gov', 'vote', id, 'for', '--json']), 'GOV_VOTING_CLOSED')).to.match(
        /voting on proposal \d+ is over .* succeeded/,
      )
      const shown = ok<{
        state: string
        votes: { for: string; against: string; abstain: string }
        quorumReached: boolean
        quorum: string
      }>(await hive(dirs.c, ['gov', 'show', id, '--json']))
      expect(shown.state).to.equal('succeeded')
      expect(BigInt(shown.votes.for)).to.equal(50n * M)
      expect(BigInt(shown.votes.against)).to.equal(1n * M)
      expect(shown.quorumReached).to.equal(true)
      expect(BigInt(shown.quorum)).to.equal(40n * M)
      const listed = ok<{ proposals: Array<{ id: string; state: string }> }>(
        await hive(dirs.c, ['gov', 'list', '--state', 'succeeded', '--json']),
      )
      expect(listed.proposals.map((p) => p.id)).to.deep.equal([id])

      expect(refused(await hive(dirs.b, ['gov', 'execute', id, '--json']), 'GOV_NOT_QUEUED')).to.include(
        `hive gov queue ${id}`,
      )
      const queued = ok<{ state: string; eta: number }>(await hive(dirs.b, ['gov', 'queue', id, '--json']))
      expect(queued.state).to.equal('queued')
      refused(await hive(dirs.b, ['gov', 'queue', id, '--json']), 'GOV_ALREADY_QUEUED')
      expect(refused(await hive(dirs.b, ['gov', 'execute', id, '--json']), 'GOV_TIMELOCK_NOT_ELAPSED')).to.match(
        /timelock delay .* has not elapsed: it can be executed from/,
      )
      ok(await hive(dirs.b, ['devnet', 'time', '21s', '--json']))

      // watch blocks appear, to time the provider's reaction from the execution block
      const seenAt = new Map<number, number>()
      let watching = true
      const watcher = (async () => {
        while (watching) {
          const n = Number(BigInt((await chain.rpc('eth_blockNumber')) as string))
          if (!seenAt.has(n)) seenAt.set(n, Date.now())
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      })()
      let stoppedAt = 0
      const reaction = (async () => {
        const until = Date.now() + 30_000
        while (Date.now() < until) {
          if (!(await stake()).eligible) {
            stoppedAt = Date.now()
            return
          }
          await new Promise((resolve) => setTimeout(resolve, 25))
        }
      })()
      const executed = ok<{ block: number; actions: string[] }>(await hive(dirs.b, ['gov', 'execute', id, '--json']))
      await reaction
      watching = false
      await watcher
      expect(executed.actions).to.deep.equal(['ProtocolParams.setParam(minProviderStake, 300 HIVE)'])
      const minedAt = seenAt.get(executed.block)
      expect(minedAt, 'execution block observed').to.be.a('number')
      expect(stoppedAt, 'the provider stopped bidding').to.be.greaterThan(0)
      expect(stoppedAt - minedAt!, 'ms from the execution block to the provider stopping').to.be.below(2_000)
      if (process.env.HIVE_TEST_TIMINGS !== undefined)
        console.log(`provider stopped bidding ${stoppedAt - minedAt!} ms after the execution block`)
      const status = await stake()
      expect(status.reason).to.equal('BELOW_MINIMUM')
      expect(BigInt(status.minStake)).to.equal(300n * 10n ** 18n)
      refused(await hive(dirs.b, ['gov', 'execute', id, '--json']), 'GOV_ALREADY_EXECUTED')

      const ignored = await post()
      expect(ignored.phase).to.equal('failed')
      expect(ignored.bids, 'no bid from the under-staked provider').to.deep.equal([])

      const topped = ok<{ bonded: string; status: string }>(
        await hive(dirs.provider, ['stake', 'deposit', '150', '--json']),
      )
      expect(BigInt(topped.bonded)).to.equal(300n * 10n ** 18n)
      expect(topped.status).to.equal('active')
      const until = Date.now() + 5_000
      while (!(await stake()).eligible && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
      expect((await stake()).eligible).to.equal(true)
      // the requester's stake cache refreshes at its next poll
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const again = await post()
      expect(again.phase, JSON.stringify(again.failure)).to.equal('completed')
      expect(again.awards.map((x) => x.provider)).to.deep.equal([(await providerApi.info()).peerId])
    },
  )

  it('a proposal that misses quorum is defeated, and cannot be queued or executed', async () => {
    const { proposalId: id } = ok<{ proposalId: string }>(
      await hive(dirs.c, [
        'gov',
        'propose',
        '--set',
        'protocolFeeBps=1%',
        '--description',
        'Double the protocol fee',
        '--json',
      ]),
    )
    ok(await hive(dirs.c, ['devnet', 'time', '11s', '--json']))
    ok(await hive(dirs.c, ['gov', 'vote', id, 'for', '--json']))
    ok(await hive(dirs.c, ['devnet', 'time', '31s', '--json']))
    const shown = ok<{ state: string; quorumReached: boolean; votes: { for: string } }>(
      await hive(dirs.c, ['gov', 'show', id, '--json']),
    )
    expect(shown.state).to.equal('defeated')
    expect(shown.quorumReached).to.equal(false)
    expect(BigInt(shown.votes.for)).to.equal(1n * M)
    expect(refused(await hive(dirs.c, ['gov', 'queue', id, '--json']), 'GOV_QUORUM_NOT_REACHED')).to.match(
      /quorum not reached \(1000000 HIVE voted for or abstained, 40000000 needed\)/,
    )
    refused(await hive(dirs.a, ['gov', 'execute', id, '--json']), 'GOV_QUORUM_NOT_REACHED')
    const text = await hive(dirs.c, ['gov', 'show', id])
    expect(text.stdout)
      .to.match(/state\s+defeated/)
      .and.to.match(/not reached/)
  })

  it('`hive node start` refuses a wrong passphrase and an unreachable RPC, with the reason', async () => {
    const wrong = await runHive(['--data-dir', dirs.a, 'init', '--json'])
    expect(wrong.code, wrong.stderr).to.equal(0)
    const bad = await hive(dirs.a, ['node', 'start', '--json'], { HIVE_PASSPHRASE: 'not it at all' })
    expect(refused(bad, 'WRONG_PASSPHRASE')).to.match(/wrong passphrase/)
    const down = await hive(dirs.a, ['node', 'start', '--json'], { HIVE_RPC_URL: 'http://127.0.0.1:9' })
    expect(refused(down, 'RPC_UNREACHABLE')).to.match(/RPC at http:\/\/127\.0\.0\.1:9 does not answer/)
  })

  it('hive devnet refuses any chain but 31337', async () => {
    // a JSON-RPC endpoint that says it is mainnet
    const server: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => {
        body += c.toString()
      })
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x1' }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as { port: number }).port
      const msg = refused(
        await hive(dirs.a, ['devnet', 'time', '1d', '--rpc-url', `http://127.0.0.1:${port}`, '--json']),
        'NOT_A_DEVNET',
        2,
      )
      expect(msg).to.match(/refusing to move time on chain 1/)
      refused(
        await hive(dirs.a, ['devnet', 'mine', '5', '--rpc-url', `http://127.0.0.1:${port}`, '--json']),
        'NOT_A_DEVNET',
        2,
      )
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
