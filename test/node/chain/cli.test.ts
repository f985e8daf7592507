// The wallet, stake and token commands in process (runCli) against a real Hardhat JSON-RPC
// node: create/import, a wrong passphrase that changes nothing, deposit, unbond, withdraw.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Wallet, parseEther } from 'ethers'
import { runCli } from '../../../cli/program.ts'
import { initDataDir } from '../../../node/config.ts'
import { walletPath } from '../../../node/chain/wallet.ts'
import { startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'

const PASS = 'cli test passphrase'
const HIVE = 10n ** 18n

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('hive wallet / stake / token (in process, Hardhat JSON-RPC)', function () {
  this.timeout(60_000)
  let chain: DevChain
  let root: string
  let env: Record<string, string>

  async function hive(args: string[], extra: Record<string, string> = {}): Promise<Run> {
    let stdout = ''
    let stderr = ''
    const code = await runCli(args, {
      stdout: (t) => {
        stdout += t
      },
      stderr: (t) => {
        stderr += t
      },
      env: { HOME: '/nonexistent-home', ...env, ...extra },
      interactive: false,
      shutdownSignal: () => new AbortController().signal,
    })
    return { code, stdout, stderr }
  }
  const json = <T>(r: Run): T => {
    expect(r.code, r.stderr).to.equal(0)
    return JSON.parse(r.stdout) as T
  }
  const error = (r: Run): { code: string; message: string } =>
    (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    root = await mkdtemp(join(tmpdir(), 'hive-chain-cli-'))
    env = { HIVE_RPC_URL: chain.url, HIVE_DEPLOYMENTS: chain.deploymentsDir, HIVE_PASSPHRASE: PASS }
  })
  after(async () => {
    await chain?.stop()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('creates a wallet and shows its balances and stake', async () => {
    const dir = join(root, 'show')
    const made = json<{ address: string; devnetKdf: boolean }>(
      await hive(['--data-dir', dir, 'wallet', 'create', '--devnet-kdf', '--json']),
    )
    expect(made.devnetKdf).to.equal(true)
    expect(statSync(walletPath(dir)).mode & 0o777).to.equal(0o600)
    await chain.setEth(made.address, parseEther('2'))
    await chain.giveHive(made.address, 1500n * HIVE)
    const view = json<{
      address: string
      chainId: number
      eth: string
      hive: string
      stake: { status: string; bonded: string }
      openChannels: null
    }>(await hive(['--data-dir', dir, 'wallet', '--json']))
    expect(view).to.include({
      address: made.address,
      chainId: 31337,
      eth: parseEther('2').toString(),
      hive: (1500n * HIVE).toString(),
      openChannels: null,
    })
    expect(view.stake.status).to.equal('none')
    const text = await hive(['--data-dir', dir, 'wallet'])
    expect(text.stdout)
      .to.match(/HIVE\s+1500\n/)
      .and.to.match(/stake\s+0 HIVE bonded, none \(minimum 100 HIVE\)/)
    // no key in anything printed
    expect(text.stdout + text.stderr).to.not.match(/[0-9a-f]{64}/i)
    expect((await hive(['--data-dir', dir, 'wallet', 'create', '--devnet-kdf'])).code).to.equal(2)
  })

  it('imports a key from a file; without HIVE_PASSPHRASE and no terminal it refuses clearly', async () => {
    const dir = join(root, 'import')
    const key = Wallet.createRandom().privateKey
    const file = join(root, 'key.txt')
    writeFileSync(file, key + '\n', { mode: 0o600 })
    const noPass = await hive(['--data-dir', dir, 'wallet', 'import', '--key-file', file, '--devnet-kdf', '--json'], {
      HIVE_PASSPHRASE: '',
    })
    expect(noPass.code).to.equal(2)
    expect(error(noPass).code).to.equal('PASSPHRASE_REQUIRED')
    const made = json<{ address: string }>(
      await hive(['--data-dir', dir, 'wallet', 'import', '--key-file', file, '--devnet-kdf', '--json']),
    )
    expect(made.address).to.equal(new Wallet(key).address)
  })

  it('a wrong passphrase gives a clear error, exit 1, and changes nothing', async () => {
    const dir = join(root, 'wrong')
    await initDataDir(dir)
    const { address } = json<{ address: string }>(
      await hive(['--data-dir', dir, 'wallet', 'create', '--devnet-kdf', '--json']),
    )
    await chain.setEth(address, parseEther('1'))
    await chain.giveHive(address, 500n * HIVE)
    const keystore = readFileSync(walletPath(dir))
    const nonce = await chain.provider.getTransactionCount(address)
    for (const args of [
      ['stake', 'deposit', '200'],
      ['token', 'transfer', chain.account(9).address, '1'],
      ['token', 'delegate'],
    ]) {
      const run = await hive(['--data-dir', dir, ...args, '--json'], { HIVE_PASSPHRASE: 'not the passphrase' })
      expect(run.code, args.join(' ')).to.equal(1)
      expect(error(run)).to.include({ code: 'WRONG_PASSPHRASE' })
      expect(error(run).message).to.match(/wrong passphrase .*nothing was changed/)
      expect(run.stderr).to.not.include('not the passphrase')
    }
    expect(readFileSync(walletPath(dir)).equals(keystore)).to.equal(true)
    expect(await chain.provider.getTransactionCount(address)).to.equal(nonce)
    expect(await chain.contracts.registry.stakeOf.staticCall(address)).to.equal(0n)
    expect(await chain.contracts.token.balanceOf.staticCall(address)).to.equal(500n * HIVE)
  })

  it('stake deposit, status, withdraw (unbond, wait, withdraw) with explanations', async () => {
    const dir = join(root, 'staker')
    const init = await initDataDir(dir)
    const { address } = json<{ address: string }>(
      await hive(['--data-dir', dir, 'wallet', 'create', '--devnet-kdf', '--json']),
    )
    await chain.setEth(address, parseEther('1'))
    await chain.giveHive(address, 1000n * HIVE)
    const below = await hive(['--data-dir', dir, 'stake', 'deposit', '50', '--json'])
    expect(below.code).to.equal(1)
    expect(error(below).code).to.equal('BELOW_MINIMUM_STAKE')
    expect(error(below).message).to.match(/below the minimum stake of 100 HIVE: deposit at least 100 HIVE/)
    const dep = json<{ peerId: string; bonded: string; status: string; transactions: string[] }>(
      await hive(['--data-dir', dir, 'stake', 'deposit', '0.15k', '--json']),
    )
    expect(dep).to.include({ peerId: init.peerId, bonded: (150n * HIVE).toString(), status: 'active' })
    expect(dep.transactions).to.have.length(2) // approve + stake
    const status = json<{ canBid: boolean; peerIdBoundHere: boolean; bonded: string }>(
      await hive(['--data-dir', dir, 'stake', 'status', '--json']),
    )
    expect(status).to.include({ canBid: true, peerIdBoundHere: true, bonded: (150n * HIVE).toString() })

    const unbond = await hive(['--data-dir', dir, 'stake', 'withdraw'])
    expect(unbond.code, unbond.stderr).to.equal(0)
    expect(unbond.stdout).to.match(/unbonding 150 HIVE: it no longer counts as stake .*this node stops bidding/)
    expect(unbond.stdout).to.match(
      /can still be slashed until .* \(unbonding period 150 s\); run `hive stake withdraw` again/,
    )
    const early = await hive(['--data-dir', dir, 'stake', 'withdraw', '--json'])
    expect(early.code).to.equal(1)
    expect(error(early).code).to.equal('STILL_UNBONDING')
    expect(error(early).message).to.match(/150 HIVE is unbonding until .*run `hive stake withdraw` again after that/)
    await chain.increaseTime(151)
    const done = json<{ action: string; amount: string; bonded: string }>(
      await hive(['--data-dir', dir, 'stake', 'withdraw', '--json']),
    )
    expect(done).to.include({ action: 'withdrawn', amount: (150n * HIVE).toString(), bonded: '0' })
    expect(await chain.contracts.token.balanceOf.staticCall(address)).to.equal(1000n * HIVE)
  })

  it('token balance, transfer and delegate', async () => {
    const dir = join(root, 'holder')
    const { address } = json<{ address: string }>(
      await hive(['--data-dir', dir, 'wallet', 'create', '--devnet-kdf', '--json']),
    )
    await chain.setEth(address, parseEther('1'))
    await chain.giveHive(address, 2500n * HIVE)
    const to = chain.account(8).address
    const sent = json<{ amount: string }>(await hive(['--data-dir', dir, 'token', 'transfer', to, '1.5k', '--json']))
    expect(sent.amount).to.equal((1500n * HIVE).toString())
    const tooMuch = await hive(['--data-dir', dir, 'token', 'transfer', to, '2k', '--json'])
    expect(tooMuch.code).to.equal(2)
    expect(error(tooMuch).code).to.equal('INSUFFICIENT_HIVE')
    expect((await hive(['--data-dir', dir, 'token', 'transfer', 'nobody', '1'])).code).to.equal(2)
    json(await hive(['--data-dir', dir, 'token', 'delegate', '--json']))
    const bal = json<{ balance: string; votes: string; delegate: string }>(
      await hive(['--data-dir', dir, 'token', 'balance', '--json']),
    )
    expect(bal).to.deep.equal({
      address,
      balance: (1000n * HIVE).toString(),
      votes: (1000n * HIVE).toString(),
      delegate: address,
    })
    const other = json<{ balance: string; delegate: null }>(
      await hive(['--data-dir', dir, 'token', 'balance', to, '--json']),
    )
    expect(other.delegate).to.equal(null)
  })
})
