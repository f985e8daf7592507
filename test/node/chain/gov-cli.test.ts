// `hive gov` in process (runCli) against a real Hardhat JSON-RPC node: building proposals from
// --set and --call (with bounds and argument checks), decoding them back, and a treasury
// transfer carried out by the timelock after a full vote.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { runCli } from '../../../cli/program.ts'
import { startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'

const PASS = 'gov cli passphrase'
const HIVE = 10n ** 18n
const M = 1_000_000n * HIVE

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('hive gov (in process, Hardhat JSON-RPC)', function () {
  this.timeout(60_000)
  let chain: DevChain
  let root: string
  let env: Record<string, string>
  const dir = { a: '', b: '' }

  async function hive(d: string, args: string[]): Promise<Run> {
    let stdout = ''
    let stderr = ''
    const code = await runCli(['--data-dir', d, ...args], {
      stdout: (t) => {
        stdout += t
      },
      stderr: (t) => {
        stderr += t
      },
      env: { HOME: '/nonexistent-home', ...env },
      interactive: false,
      shutdownSignal: () => new AbortController().signal,
    })
    return { code, stdout, stderr }
  }
  const json = <T>(r: Run): T => {
    expect(r.code, r.stderr).to.equal(0)
    return JSON.parse(r.stdout) as T
  }
  const fails = (r: Run, exit: number, code: string | RegExp): void => {
    expect(r.code, r.stderr).to.equal(exit)
    if (typeof code === 'string')
      expect((JSON.parse(r.stderr) as { error: { code: string } }).error.code).to.equal(code)
    else expect(r.stderr).to.match(code)
  }

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    root = await mkdtemp(join(tmpdir(), 'hive-gov-cli-'))
    env = { HIVE_RPC_URL: chain.url, HIVE_DEPLOYMENTS: chain.deploymentsDir, HIVE_PASSPHRASE: PASS }
    dir.a = join(root, 'a')
    dir.b = join(root, 'b')
    for (const [d, amount] of [
      [dir.a, 30n * M],
      [dir.b, 15n * M],
    ] as const) {
      const { address } = json<{ address: string }>(await hive(d, ['wallet', 'create', '--devnet-kdf', '--json']))
      await chain.setEth(address, parseEther('10'))
      await chain.giveHive(address, amount)
      json(await hive(d, ['token', 'delegate', '--json']))
    }
    // the treasury (the timelock) holds some HIVE to grant
    await chain.giveHive(chain.deployment.contracts.TimelockController.address, 10_000n * HIVE)
  })
  after(async () => {
    await chain?.stop()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('refuses malformed or out-of-bounds proposals before sending anything', async () => {
    const cases: Array<[string[], number, string | RegExp]> = [
      [['--set', 'minStake=5'], 2, /"minStake" is not a protocol parameter; choose from minProviderStake/],
      [['--set', 'protocolFeeBps=lots'], 2, /basis points \(50\) or percent \(0\.5%\)/],
      [['--set', 'unbondingPeriod=1.5s'], 2, /whole seconds/],
      [['--set', 'arbiter=0x1234'], 2, /not an Ethereum address/],
      [['--set', 'protocolFeeBps=20%', '--json'], 1, 'GOV_PARAM_OUT_OF_BOUNDS'],
      [['--json'], 2, 'GOV_NOTHING_TO_PROPOSE'],
      [['--call', 'Nowhere', 'f()', '--json'], 1, 'GOV_BAD_TARGET'],
      [['--call', 'HiveToken', 'transfer(address,uint256)', '0x01', '--json'], 1, 'GOV_BAD_ARGUMENTS'],
    ]
    const nonce = await chain.provider.getTransactionCount(
      json<{ address: string }>(await hive(dir.a, ['wallet', '--json'])).address,
    )
    for (const [args, exit, code] of cases)
      fails(await hive(dir.a, ['gov', 'propose', ...args, '--description', 'x']), exit, code)
    expect(
      await chain.provider.getTransactionCount(
        json<{ address: string }>(await hive(dir.a, ['wallet', '--json'])).address,
      ),
    ).to.equal(nonce)
  })

  it("--set builds setParam / setAddressParam calls in the parameters' own units, shown decoded", async () => {
    const arbiter = chain.account(6).address
    const p = json<{ proposalId: string; actions: Array<{ target: string; decoded: string }> }>(
      await hive(dir.a, [
        'gov',
        'propose',
        '--set',
        'unbondingPeriod=7d',
        '--set',
        'protocolFeeBps=0.75%',
        '--set',
        'minProviderStake=1.5k',
        '--set',
        `arbiter=${arbiter}`,
        '--description',
        'Tune the market\nLonger unbonding, higher fee.',
        '--json',
      ]),
    )
    expect(p.actions.map((x) => x.decoded)).to.deep.equal([
      'ProtocolParams.setParam(unbondingPeriod, 604800 s)',
      'ProtocolParams.setParam(protocolFeeBps, 75 bps (0.75%))',
      'ProtocolParams.setParam(minProviderStake, 1500 HIVE)',
      `ProtocolParams.setAddressParam(arbiter, ${arbiter})`,
    ])
    expect(new Set(p.actions.map((x) => x.target))).to.deep.equal(
      new Set([chain.deployment.contracts.ProtocolParams.address]),
    )
    const text = await hive(dir.b, ['gov', 'show', p.proposalId.slice(0, 8)])
    expect(text.stdout)
      .to.match(/state\s+pending/)
      .and.to.match(/quorum\s+known once voting opens/)
      .and.to.include('  Longer unbonding, higher fee.')
    const list = await hive(dir.b, ['gov', 'list'])
    expect(list.stdout).to.include(p.proposalId.slice(0, 12)).and.to.include('Tune the market')
  })

  it('--call: a treasury transfer passes, is queued and executed by the timelock', async () => {
    const grantee = chain.account(17).address
    const before = await chain.contracts.token.balanceOf.staticCall(grantee)
    const p = json<{ proposalId: string; actions: Array<{ decoded: string }> }>(
      await hive(dir.a, [
        'gov',
        'propose',
        '--call',
        'HiveToken',
        'transfer(address,uint256)',
        grantee,
        '2.5khive',
        '--description',
        'Grant 2,500 HIVE',
        '--json',
      ]),
    )
    expect(p.actions[0].decoded).to.equal(`HiveToken.transfer(${grantee}, ${2500n * HIVE})`)
    await chain.increaseTime(2)
    json(await hive(dir.a, ['gov', 'vote', p.proposalId, 'for', '--json']))
    const abstained = json<{ votes: { abstain: string } }>(
      await hive(dir.b, ['gov', 'vote', p.proposalId, 'abstain', '--reason', 'no view', '--json']),
    )
    expect(BigInt(abstained.votes.abstain)).to.equal(15n * M)
    fails(await hive(dir.b, ['gov', 'vote', p.proposalId, 'maybe', '--json']), 2, 'GOV_BAD_CHOICE')
    await chain.increaseTime(31)
    json(await hive(dir.b, ['gov', 'queue', p.proposalId, '--json']))
    await chain.increaseTime(6)
    const done = json<{ actions: string[] }>(await hive(dir.b, ['gov', 'execute', p.proposalId, '--json']))
    expect(done.actions).to.deep.equal([p.actions[0].decoded])
    expect((await chain.contracts.token.balanceOf.staticCall(grantee)) - before).to.equal(2500n * HIVE)
    const executed = json<{ proposals: Array<{ id: string }> }>(
      await hive(dir.b, ['gov', 'list', '--state', 'executed', '--json']),
    )
    expect(executed.proposals.map((x) => x.id)).to.deep.equal([p.proposalId])
    fails(await hive(dir.b, ['gov', 'list', '--state', 'done']), 2, /--state must be one of pending, active/)
  })
})
