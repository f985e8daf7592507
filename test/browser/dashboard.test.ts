// The web dashboard in a real browser (issue 17): Debian's Chromium driven by playwright-core
// against a devnet in this process: a Hardhat chain, a requester and a staked provider, each a
// full node (chain, audit, payments, market) with its local API serving the dashboard. The test
// logs in with `hive dashboard`'s one-time URL, sees the provider, posts a job from the page,
// watches it verify, downloads its output and sees the provider's earnings move on the
// provider's own dashboard. Hostile text — a GPU model in the provider's profile, a job's
// output — carries <img onerror> and <script>: nothing runs (a window flag stays unset, no
// dialog opens). The provider votes on a governance proposal from its page. axe-core finds no
// serious or critical accessibility violation on any page. Waits on page elements only.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'chai'
import { keccak256, parseEther, toUtf8Bytes } from 'ethers'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { runCli } from '../../cli/program.ts'
import { createNodeApi } from '../../node/api/index.ts'
import { auditService } from '../../node/audit/index.ts'
import { requireSender } from '../../node/chain/client.ts'
import { paramKey } from '../../node/chain/params.ts'
import { chainService } from '../../node/chain/service.ts'
import { depositStake } from '../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet } from '../../node/chain/wallet.ts'
import { initDataDir } from '../../node/config.ts'
import { marketService } from '../../node/market/service.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { startDevChain } from '../support/chain.ts'
import type { DevChain } from '../support/chain.ts'
import { TEST_HARDWARE, startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import { helloWat, wat } from '../node/exec/wat.ts'
import { ensureChromium, launchChromium } from './chromium.ts'
import { jobSubscribers } from '../support/topics.ts'

const PASS = 'browser test passphrase'
const HIVE = 10n ** 18n
const REPO = resolve(import.meta.dirname, '..', '..')
// what a hostile provider or job output would carry: if either ran, it would set the flag
const IMG = '<img src=x onerror="window.__pwned=1">'
const SCRIPT = '<script>window.__pwned=2</script>'
const OUTPUT = `fox done ${IMG}${SCRIPT}\n`
const PAGES = ['overview', 'provider', 'requester', 'market', 'audit', 'governance'] as const

/** the little of the DOM the page functions below read (the test itself has no DOM types) */
interface Doc {
  document: { activeElement: { textContent: string | null; tagName: string } | null }
}
interface AxeResult {
  violations: Array<{ id: string; impact: string | null }>
}

async function fullNode(chain: DevChain, root: string, name: string, roles: string, extra: object = {}) {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  await initDataDir(dir)
  const { address } = await createWallet(dir, PASS, { kdf: DEVNET_KDF })
  await chain.setEth(address, parseEther('10'))
  const node = await startTestNode(name, {
    root,
    roles,
    price: '0.002',
    libp2pDatastore: 'memory',
    settings: { rpcUrl: chain.url, deployments: chain.deploymentsDir },
    services: {
      chain: chainService({ passphrase: PASS, pollMs: 200 }),
      audit: auditService(),
      payments: paymentsService({ options: { pollMs: 200 } }),
      market: marketService(),
    },
    ...extra,
  })
  const api = createNodeApi(node, { dataDir: dir, host: '127.0.0.1', port: 0 })
  node.routes(api.routes)
  await api.start()
  return { node, api, dir, address }
}

type FullNode = Awaited<ReturnType<typeof fullNode>>

/** `hive --data-dir <dir> dashboard --json`, in this process: the one-time login URL. */
async function loginUrl(dir: string): Promise<string> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['--data-dir', dir, 'dashboard', '--json'], {
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
  expect(code, stderr).to.equal(0)
  return (JSON.parse(stdout) as { url: string }).url
}

describe('browser: the web dashboard against a devnet (Chromium)', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let shots: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let providerPage: Page
  let hostileModule: string
  let jobId = ''
  const dialogs: string[] = []
  const nodes: FullNode[] = []
  let requester: FullNode
  let provider: FullNode

  before(async function () {
    this.timeout(240_000)
    const skipReason = ensureChromium()
    if (skipReason !== undefined) {
      console.log(`      browser suite skipped: ${skipReason}`)
      this.skip()
    }
    // the bundle the node serves, from the current sources (under a second)
    const built = spawnSync(process.execPath, [join(REPO, 'scripts', 'setup', 'build-ui.mjs')], { encoding: 'utf8' })
    expect(built.status, built.stderr).to.equal(0)
    root = mkdtempSync(join(tmpdir(), 'hive-browser-'))
    shots = join(root, 'screenshots')
    mkdirSync(shots)
    chain = await startDevChain()
    hostileModule = join(root, 'hostile.wasm')
    writeFileSync(hostileModule, await wat(helloWat(OUTPUT)))
    requester = await fullNode(chain, root, 'requester', 'requester')
    nodes.push(requester)
    provider = await fullNode(chain, root, 'provider', 'provider', {
      bootstrap: requester.node,
      hardware: { ...TEST_HARDWARE, gpus: [{ vendor: 'nvidia', model: `RTX ${IMG}${SCRIPT}`, vramMiB: 8192 }] },
    })
    nodes.push(provider)
    await chain.giveHive(requester.address, 100n * HIVE)
    await chain.giveHive(provider.address, 1000n * HIVE)
    const providerChain = provider.node.services.chain!
    await depositStake(providerChain.client, provider.node.peerId, 150n * HIVE)
    await waitFor(() => providerChain.canBid(), { what: 'the provider sees its own stake', timeoutMs: 30_000 })
    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(() => jobSubscribers(pubsub).some((s) => s.equals(provider.node.peerId)), {
      what: 'the provider subscribed to the jobs topic',
      timeoutMs: 30_000,
    })
    // the overview's provider table is the requester's discovery answer: wait until it has the provider
    await waitFor(
      async () =>
        (await requester.node.findProviders({ executor: 'wasm' }, { signal: AbortSignal.timeout(5_000) })).some(
          (p) => p.peerId === provider.node.peerId.toString(),
        ) || undefined,
      // a provider re-announces its profile when a peer joins the profiles topic (node/discovery/
      // announce.ts), so a requester that subscribed after the first announcement hears it in ~1 s
      { what: "the requester's discovery finds the provider", timeoutMs: 30_000 },
    )
    browser = await launchChromium()
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } })
    page = await context.newPage()
    providerPage = await context.newPage()
    for (const p of [page, providerPage])
      p.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
  })

  after(async function () {
    this.timeout(60_000)
    await browser?.close().catch(() => {})
    for (const n of nodes.reverse()) {
      await n.api.stop().catch(() => {})
      await n.node.stop().catch(() => {})
    }
    await chain?.stop()
    if (root !== undefined) {
      // HIVE_KEEP_SCREENSHOTS=1 keeps the PNGs (one per page) and nothing else: the data dirs hold wallets
      const keep = process.env.HIVE_KEEP_SCREENSHOTS !== undefined
      for (const entry of readdirSync(root))
        if (!keep || entry !== 'screenshots') rmSync(join(root, entry), { recursive: true, force: true })
      if (keep) console.log(`      screenshots kept in ${shots}`)
      else rmSync(root, { recursive: true, force: true })
    }
  })

  const pwned = async (p: Page): Promise<unknown> =>
    await p.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)

  it('logs in with the one-time URL of `hive dashboard`: HttpOnly per-node cookie, code gone, strict CSP', async () => {
    const url = await loginUrl(requester.dir)
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/ui\/login#[A-Za-z0-9_-]{43}$/)
    const response = await page.goto(url)
    expect(response?.headers()['content-security-policy'])
      .to.include("default-src 'self'")
      .and.include("script-src 'self'")
      .and.include("object-src 'none'")
      .and.include("frame-ancestors 'none'")
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    expect(page.url()).to.equal(`${requester.api.url}/ui/`)
    const cookies = await context.cookies(requester.api.url)
    expect(cookies).to.have.length(1)
    expect(cookies[0].name).to.equal(`hive_session_${requester.node.peerId.toString().slice(-8)}`)
    expect(cookies[0]).to.include({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).to.equal('')
    // the code was used: the same URL again does not log in
    const again = await context.newPage()
    await again.goto(url)
    await again.getByRole('alert').waitFor()
    expect(await again.getByRole('alert').textContent()).to.match(/unknown, used or expired/)
    expect(again.url()).to.equal(`${requester.api.url}/ui/login`)
    await again.close()
  })

  it("shows the node and the network's providers, the hostile GPU name as text that never runs", async () => {
    await page
      .getByText(provider.node.peerId.toString().slice(0, 4) + '…')
      .first()
      .waitFor()
    const gpu = page.locator('.gpu', { hasText: 'RTX' })
    await gpu.waitFor()
    expect(await gpu.textContent()).to.equal(`nvidia RTX ${IMG}${SCRIPT}`)
    expect(await page.locator('main img').count()).to.equal(0)
    expect(await page.locator('main script').count()).to.equal(0)
    expect(await pwned(page)).to.equal(undefined)
    expect(await page.getByTestId('peer-count').textContent()).to.not.equal('0')
  })

  it('posts a job from the page, follows it to verified, downloads its output; the earnings move', async () => {
    await providerPage.goto(await loginUrl(provider.dir))
    await providerPage.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await providerPage.getByRole('link', { name: 'Provider' }).click()
    const earned = providerPage.getByTestId('earned')
    await earned.filter({ hasText: 'HIVE' }).waitFor()
    const before = await earned.textContent()

    await page.getByRole('link', { name: 'Requester' }).click()
    await page.getByRole('heading', { level: 1, name: 'Requester' }).waitFor()
    // a job whose output is hostile: it prints markup that would run if the page rendered it as HTML
    await page.getByLabel('Module (.wasm)').setInputFiles(hostileModule)
    await page.getByLabel('Input files').setInputFiles({
      name: 'fox.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('the quick brown fox\n'),
    })
    await page.getByLabel('Arguments (one per line)').fill('fox.txt')
    await page.getByLabel('Max price (HIVE)').fill('1')
    await page.getByRole('button', { name: 'Post job' }).click()
    const refused = page.locator('form.post [role=alert]')
    const phase = page.getByTestId('phase')
    await phase.or(refused).first().waitFor()
    expect(
      await refused.count(),
      (await refused
        .first()
        .textContent()
        .catch(() => '')) ?? '',
    ).to.equal(0)
    await phase
      .filter({ hasText: /^(completed|failed)$/ })
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}\nthe job as the page shows it:\n${await page.locator('.job-detail').innerText()}`,
        )
      })
    expect(await phase.textContent(), await page.locator('.job-detail').innerText()).to.equal('completed')
    jobId = /[0-9a-f]{64}/.exec(await page.locator('.job-detail').innerText())![0]
    const stdout = page.getByTestId('stdout')
    await stdout.waitFor()
    expect(await stdout.textContent()).to.equal(OUTPUT)
    expect(await page.locator('main img').count()).to.equal(0)
    expect(await page.locator('main script').count()).to.equal(0)
    expect(await pwned(page)).to.equal(undefined)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download stdout' }).click(),
    ])
    const saved = join(root, 'download.txt')
    await download.saveAs(saved)
    expect(readFileSync(saved, 'utf8')).to.equal(OUTPUT)

    await earned.filter({ hasNotText: before ?? '' }).waitFor({ timeout: 60_000 })
    expect(await earned.textContent()).to.match(/^0\.\d+ HIVE$/)
    expect(await pwned(providerPage)).to.equal(undefined)
  })

  it('anchors the audit log and verifies the job from the audit page', async () => {
    await page.getByRole('link', { name: 'Audit', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor()
    await page.getByRole('button', { name: 'Anchor now' }).click()
    const anchored = page.getByRole('status').filter({ hasText: /anchored|NO_ANCHORING|not anchored/ })
    await anchored.waitFor()
    expect(await anchored.textContent()).to.match(/^anchored \d+ entries \(tx 0x[0-9a-f]{64}\)$/)
    await page.getByLabel('Job id').fill(jobId)
    await page.getByRole('button', { name: 'Verify' }).click()
    const verdict = page.getByTestId('verdict')
    await verdict.or(page.getByRole('alert')).first().waitFor()
    expect(await verdict.innerText()).to.match(/Verdict: (VERIFIED|INCOMPLETE)/)
    expect(await verdict.innerText()).to.not.match(/FAIL/)
  })

  it("votes on an active proposal from the provider's governance page, with the node's wallet", async () => {
    // the provider's HIVE counts as votes once delegated (before the proposal's snapshot)
    const providerChain = provider.node.services.chain!
    await requireSender(providerChain.client).call(
      providerChain.client.contracts.token,
      'delegate',
      [provider.address],
      {
        label: 'delegate',
      },
    )
    const { governor, params } = chain.contracts
    const target = chain.deployment.contracts.ProtocolParams.address
    const calldata = params.interface.encodeFunctionData('setParam', [paramKey('protocolFeeBps'), 125n])
    const description = `lower the fee ${IMG}`
    const deployer = await chain.senderFor(chain.deployer)
    await deployer.call(governor, 'propose', [[target], [0n], [calldata], description], {
      label: 'propose',
    })
    const id = await governor.hashProposal([target], [0n], [calldata], keccak256(toUtf8Bytes(description)))
    await chain.increaseTime(2)
    await chain.mine(1)
    await waitFor(async () => (await governor.state(id)) === 1n, {
      what: 'the proposal active',
    })

    await providerPage.getByRole('link', { name: 'Governance', exact: true }).click()
    await providerPage.getByTestId('proposal-state').filter({ hasText: 'active' }).waitFor()
    expect(await providerPage.locator('main img').count()).to.equal(0)
    await providerPage.getByRole('button', { name: /^Vote for proposal / }).click()
    const status = providerPage.getByRole('status').filter({ hasText: /^voted for/ })
    await status
      .or(providerPage.getByRole('status').filter({ hasText: /GOV_/ }))
      .first()
      .waitFor()
    expect(await providerPage.getByRole('status').textContent()).to.match(/^voted for /)
    expect(await governor.hasVoted(id, provider.address)).to.equal(true)
  })

  it('works from the keyboard: a skip link first, the pages by Tab and Enter, focus on the new heading', async () => {
    // a fresh load: the first Tab starts at the top of the document
    await page.goto(`${requester.api.url}/ui/`)
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.textContent)).to.equal(
      'Skip to content',
    )
    let hops = 0
    while (
      (await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.textContent)) !== 'Market'
    ) {
      await page.keyboard.press('Tab')
      expect(++hops, 'Tab reaches the Market link').to.be.lessThan(10)
    }
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Market' }).waitFor()
    await waitFor(
      async () => (await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.tagName)) === 'H1',
      { what: 'focus on the new page heading' },
    )
  })

  it('every page renders live without running hostile text, with no serious axe-core violation', async () => {
    const axe = readFileSync(join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')
    const problems: string[] = []
    for (const name of PAGES) {
      for (const [who, p] of [
        ['requester', page],
        ['provider', providerPage],
      ] as const) {
        const title = name[0].toUpperCase() + name.slice(1)
        await p.getByRole('link', { name: title, exact: true }).click()
        await p.getByRole('heading', { level: 1, name: title }).waitFor()
        await p.locator('main section').first().waitFor()
        await p.locator('main').getByText('Loading…').first().waitFor({ state: 'detached' })
        if (who === 'requester' || name === 'provider')
          await p.screenshot({ path: join(shots, `${who}-${name}.png`), fullPage: true })
        // axe is evaluated through the DevTools protocol (page scripts are not: the CSP holds)
        await p.evaluate(axe)
        const violations = await p.evaluate(async () => {
          const run = (globalThis as unknown as { axe: { run: () => Promise<AxeResult> } }).axe.run
          return (await run()).violations.map((v) => ({ id: v.id, impact: v.impact }))
        })
        for (const v of violations)
          if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${who} ${name}: ${v.id} (${v.impact})`)
        expect(await pwned(p)).to.equal(undefined)
      }
    }
    expect(problems).to.deep.equal([])
    expect(dialogs).to.deep.equal([])
    expect(readFileSync(join(shots, 'requester-overview.png')).length).to.be.greaterThan(1000)
  })
})
