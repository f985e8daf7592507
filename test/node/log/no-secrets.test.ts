// Logs never carry secrets (issue 17): a requester and a staked provider with passphrase-protected
// wallets, audit, payments and the market run a paid job on a real Hardhat chain, the requester's
// local API is called with its token (and once with a wrong one), and every line of the run's log,
// at trace level — the console stream and the rotated files in the data dir — is searched for the
// wallet passphrase, the API token, the wallets' private keys and the peers' private keys, in hex
// and base64. None may appear. The run also checks that lines carry the peer id and job ids.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { buildExamples } from '../../../examples/build.ts'
import { createNodeApi } from '../../../node/api/index.ts'
import { readApiToken } from '../../../node/api/auth.ts'
import { auditService } from '../../../node/audit/index.ts'
import { chainService } from '../../../node/chain/service.ts'
import { depositStake } from '../../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet } from '../../../node/chain/wallet.ts'
import { initDataDir } from '../../../node/config.ts'
import { logNodeEvent } from '../../../node/log/events.ts'
import { LOG_FILE, setupLogging } from '../../../node/log/setup.ts'
import { marketService } from '../../../node/market/service.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { startDevChain } from '../../support/chain.ts'
import { startTestNode } from '../../support/node.ts'
import { waitFor } from '../../support/wait.ts'
import type { ApiServer } from '../../../node/api/index.ts'
import type { ChainService } from '../../../node/chain/service.ts'
import type { Logging } from '../../../node/log/setup.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import type { DevChain } from '../../support/chain.ts'
import { jobSubscribers } from '../../support/topics.ts'

const PASS = 'correct horse battery staple 1917'
const HIVE = 10n ** 18n

interface Peer {
  node: HiveNode
  market: MarketService
  chain: ChainService
  unlog: () => void
}

/** Every form a secret could take in a log line. */
function forms(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes)
  return [b.toString('hex'), b.toString('base64'), b.toString('base64url').replace(/=+$/, '')]
}

describe('node/log: no secret in any log line of a paid run', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let logging: Logging
  let consoleText = ''
  let requester: Peer
  let provider: Peer
  let api: ApiServer | undefined
  let token: string

  async function startPeer(name: string, roles: string, bootstrap?: Peer): Promise<Peer> {
    const dataDir = join(root, name)
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    await initDataDir(dataDir)
    const { address } = await createWallet(dataDir, PASS, { kdf: DEVNET_KDF })
    await chain.setEth(address, parseEther('10'))
    await chain.giveHive(address, 1000n * HIVE)
    const node = await startTestNode(name, {
      root,
      roles,
      price: '0.01',
      libp2pDatastore: 'memory',
      ...(bootstrap !== undefined ? { bootstrap: bootstrap.node } : {}),
      settings: { rpcUrl: chain.url, deployments: chain.deploymentsDir },
      services: {
        chain: chainService({ passphrase: PASS }),
        audit: auditService(),
        payments: paymentsService({ options: { channelDeposit: parseEther('10') } }),
        market: marketService(),
      },
    })
    const unlog = node.onEvent(logNodeEvent)
    return { node, market: node.services.market!, chain: node.services.chain!, unlog }
  }

  before(async function () {
    this.timeout(150_000)
    root = mkdtempSync(join(tmpdir(), 'hive-log-secrets-'))
    // one sink for the process: both nodes log into it, at the most verbose level
    logging = await setupLogging({
      dataDir: join(root, 'requester'),
      level: 'trace',
      console: new Writable({
        write(chunk: Buffer, _enc, done) {
          consoleText += chunk.toString('utf8')
          done()
        },
      }),
      // small files, so that rotation happens during the run and every rotated file is searched
      maxBytes: 4 * 1024,
      keep: 50,
    })
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    requester = await startPeer('requester', 'requester')
    logging.bind({ peer: requester.node.peerId.toString() })
    provider = await startPeer('provider', 'provider', requester)
    await depositStake(provider.chain.client, provider.node.peerId, 150n * HIVE)
    await waitFor(() => provider.chain.canBid() || undefined, {
      what: 'the provider sees its stake',
      timeoutMs: 30_000,
    })
    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((id) => id.equals(provider.node.peerId)), {
      what: 'the provider in the jobs topic',
      timeoutMs: 30_000,
    })
    const dataDir = join(root, 'requester')
    api = createNodeApi(requester.node, { dataDir, host: '127.0.0.1', port: 0 })
    requester.node.routes(api.routes)
    await api.start()
    token = (await readApiToken(dataDir)).token
  })

  after(async () => {
    await api?.stop()
    for (const p of [provider, requester])
      if (p !== undefined) {
        p.unlog()
        await p.node.stop().catch(() => {})
      }
    await logging?.close()
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('logs a paid job with peer and job ids, and none of the passphrase, API token or keys', async () => {
    const base = `http://127.0.0.1:${api!.endpoint!.port}`
    expect((await fetch(`${base}/v1/info`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(200)
    const wrong = 'f'.repeat(token.length)
    expect((await fetch(`${base}/v1/info`, { headers: { authorization: `Bearer ${wrong}` } })).status).to.equal(401)

    const wordcount = readFileSync((await buildExamples()).wordcount)
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
      maxPrice: parseEther('1'),
      bidWindowMs: 400,
      payment: 'channel',
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    await requester.node.stop()
    await provider.node.stop()
    await logging.close()

    const logDir = join(root, 'requester', 'logs')
    const files = readdirSync(logDir).map((f) => join(logDir, f))
    expect(files, 'the size limit rotated the log').to.include(join(root, 'requester', `${LOG_FILE}.1`))
    const fileText = files.map((f) => readFileSync(f, 'utf8')).join('')
    const lines = fileText.split('\n').filter((l) => l !== '')
    expect(lines.length, 'a trace-level run logs plenty').to.be.greaterThan(40)
    // the file is JSON lines; the peer id rides on every line after bind, job events carry job ids
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed.some((l) => l.peer === requester.node.peerId.toString())).to.equal(true)
    expect(parsed.some((l) => l.jobId === jobId && l.msg === 'job:verified')).to.equal(true)
    expect(parsed.some((l) => l.jobId === jobId && l.msg === 'provider:completed')).to.equal(true)

    const secrets: Array<[string, string]> = [
      ['the wallet passphrase', PASS],
      ['the API token', token],
    ]
    for (const [who, p] of [
      ['requester', requester],
      ['provider', provider],
    ] as const) {
      const walletKey = p.chain.client.wallet!.privateKey
      secrets.push([`${who}'s wallet key`, walletKey.slice(2)])
      secrets.push([`${who}'s wallet key (base64)`, Buffer.from(walletKey.slice(2), 'hex').toString('base64')])
      for (const f of forms(p.node.privateKey.raw)) secrets.push([`${who}'s peer key`, f])
      // an Ed25519 key's raw form is seed + public key: the seed alone is the secret
      for (const f of forms(p.node.privateKey.raw.subarray(0, 32))) secrets.push([`${who}'s peer key seed`, f])
      for (const f of forms(privateKeyToProtobuf(p.node.privateKey))) secrets.push([`${who}'s peer key (protobuf)`, f])
    }
    const everything = consoleText + fileText
    expect(consoleText.length).to.be.greaterThan(0)
    for (const [what, secret] of secrets) {
      expect(everything.toLowerCase().includes(secret.toLowerCase()), `${what} appears in the log`).to.equal(false)
    }
  })
})
