// Step 1: the chain. A Hardhat JSON-RPC node on a free loopback port, the contracts built if
// needed and deployed with devnetParams, every participant funded with ETH and HIVE, and the
// token holders' votes delegated. The participants' data dirs, peer keys and wallets need no
// chain, so they are made meanwhile (awaited by step 2).
import { writeFile, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Wallet, formatEther, parseEther } from 'ethers'
import { roundTokenAmount } from '../format.ts'
import { buildExamples } from '../../examples/build.ts'
import { CONTRACT_NAMES } from '../../node/chain/deployment-schema.ts'
import { snapshotBalances } from './balances.ts'
import { deployDevnet, devKey, ensureContractsBuilt, freePort, startHardhat } from './chain.ts'
import { hiveJson } from './cli.ts'
import { CAST, DEMO_BENCHMARK, dataDirOf } from './demo-context.ts'
import type { CastMember, DemoContext, Participant } from './demo-context.ts'
import type { Step } from './steps.ts'

/** ETH each participant starts with (hardhat_setBalance: no transaction) */
export const START_ETH = parseEther('100')

export const chainStep: Step<DemoContext> = {
  name: 'chain: a Hardhat JSON-RPC node, the contracts deployed, accounts funded, votes delegated',
  run: async (ctx) => {
    const port = await freePort()
    const rpcUrl = `http://127.0.0.1:${port}`
    ctx.report.rpcUrl = rpcUrl
    ctx.report.deploymentsDir = ctx.deploymentsDir
    const dirs = prepareParticipants(ctx, rpcUrl)
    dirs.catch(() => {}) // awaited by step 2; a failure there names it
    ctx.pending.set('participants', dirs)
    const examples = buildExamples()
    examples.catch(() => {}) // awaited by step 3
    ctx.pending.set('examples', examples)
    const [hardhat, built] = await Promise.all([
      startHardhat({ port, logFile: join(ctx.logDir, 'hardhat.log'), signal: ctx.signal }).then((h) => {
        ctx.hardhat = h
        return h
      }),
      ensureContractsBuilt(join(ctx.logDir, 'hardhat-build.log')),
    ])
    ctx.report.hardhatPid = hardhat.pid
    ctx.say(`Hardhat JSON-RPC node at ${rpcUrl} (pid ${hardhat.pid})${built ? '; contracts built' : ''}`)
    const chain = await deployDevnet(rpcUrl, ctx.deploymentsDir)
    ctx.chain = chain
    ctx.report.chainId = chain.deployment.chainId
    ctx.report.contracts = Object.fromEntries(CONTRACT_NAMES.map((n) => [n, chain.deployment.contracts[n].address]))
    ctx.say(
      `deployed ${CONTRACT_NAMES.length} contracts (devnet parameters: minimum ` +
        `stake ` +
        `${roundTokenAmount(BigInt(chain.deployment.params.minProviderStake))} ` +
        `HIVE, voting period ${chain.deployment.params.votingPeriod} s, timelock ` +
        `${chain.deployment.params.timelockDelay} s) into ` +
        `${ctx.cli.path(join(ctx.deploymentsDir, '31337.json'))}`,
    )

    const token = chain.contracts.token
    const deployer = await chain.sender(chain.deployer)
    const wallets = CAST.map((c) => new Wallet(devKey(c.account), chain.provider))
    await Promise.all(
      CAST.map(
        async (c, i) => await chain.rpc('hardhat_setBalance', [wallets[i].address, '0x' + START_ETH.toString(16)]),
      ),
    )
    // token holders got theirs from the genesis table (devnetParams.genesis); the others from the deployer's faucet
    const fromFaucet = CAST.filter((c) => c.hive > 0n && c.role !== 'holder')
    await Promise.all(
      fromFaucet.map(
        async (c) =>
          await deployer.call(token, 'transfer', [wallets[CAST.indexOf(c)].address, c.hive], {
            label: `HIVE to ${c.name}`,
          }),
      ),
    )
    const holders = CAST.filter((c) => c.role === 'holder')
    await Promise.all(
      holders.map(async (c) => {
        const w = wallets[CAST.indexOf(c)]
        await (await chain.sender(w)).call(token, 'delegate', [w.address], { label: `${c.name} delegates to itself` })
      }),
    )
    ctx.say(
      `funded ${CAST.length} accounts with ${formatEther(START_ETH)} ETH each; HIVE: ${CAST.filter((c) => c.hive > 0n)
        .map((c) => `${c.name} ${roundTokenAmount(c.hive)}`)
        .join(', ')}`,
    )
    ctx.say(
      `${holders.map((h) => h.name).join(' and ')} delegated their votes to ` +
        `themselves (ERC20Votes counts only delegated tokens)`,
    )
    await dirs
    ctx.report.balances.before = await snapshotBalances(ctx)
    return (
      `chain ${chain.deployment.chainId} at ${rpcUrl}, ` +
      `${CONTRACT_NAMES.length} contracts, ${CAST.length} accounts funded`
    )
  },
}

/** Role a data dir is initialised with (an auditor or a token holder runs no market role, but the config needs one). */
function nodeRole(c: CastMember): 'provider' | 'requester' {
  return c.role === 'provider' ? 'provider' : 'requester'
}

/**
 * `hive init` for every participant, the chain settings and price written into its config.json,
 * and its Hardhat dev key imported into an encrypted keystore (`hive wallet import --devnet-kdf`).
 */
async function prepareParticipants(ctx: DemoContext, rpcUrl: string): Promise<Participant[]> {
  const people = await Promise.all(
    CAST.map(async (c): Promise<Participant> => {
      const dir = dataDirOf(ctx.workDir, c.name)
      const init = await hiveJson<{ peerId: string }>(ctx.cli, dir, [
        'init',
        '--role',
        nodeRole(c),
        '--benchmark',
        DEMO_BENCHMARK,
      ])
      const configFile = join(dir, 'config.json')
      const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
      await writeFile(
        configFile,
        JSON.stringify(
          {
            ...config,
            rpcUrl,
            deployments: ctx.deploymentsDir,
            ...(c.price !== undefined
              ? { prices: Object.fromEntries(['wasm', ...(c.alsoRuns ?? [])].map((e) => [e, c.price])) }
              : {}),
            ...(c.alsoRuns !== undefined ? { executors: ['wasm', ...c.alsoRuns] } : {}),
          },
          null,
          2,
        ) + '\n',
      )
      // the key crosses a file (mode 0600, removed at once), never an argument
      const keyFile = join(ctx.workDir, `.${c.name}.key`)
      await writeFile(keyFile, devKey(c.account) + '\n', { mode: 0o600 })
      try {
        const imported = await hiveJson<{ address: string }>(ctx.cli, dir, [
          'wallet',
          'import',
          '--key-file',
          keyFile,
          '--devnet-kdf',
        ])
        return { ...c, dir, address: imported.address, peerId: init.peerId }
      } finally {
        await rm(keyFile, { force: true })
      }
    }),
  )
  ctx.people.push(...people)
  ctx.report.participants = people.map((p) => ({
    name: p.name,
    role: p.role,
    dataDir: p.dir,
    address: p.address,
    peerId: p.peerId,
  }))
  return people
}
