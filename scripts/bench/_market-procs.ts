// The market benchmark's network with one process per node, as the demo runs it (cli/devnet/):
// a Hardhat JSON-RPC node with the contracts deployed, then `hive init` + `hive wallet import`
// per node, the providers staked, and every node its own `hive node start` process on
// loopback (the requester a DHT server and everyone's bootstrap peer). Jobs go in through the
// requester's HTTP API with the typed client, paid by channel, written to the audit logs.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Wallet, parseEther } from 'ethers'
import { deployDevnet, devKey, ensureContractsBuilt, startHardhat } from '../../cli/devnet/chain.ts'
import type { DeployedChain, HardhatProcess } from '../../cli/devnet/chain.ts'
import { loopbackTcpAddress } from '../../cli/devnet/network.ts'
import { NodeProcess, ensureCliBuilt, runHive } from '../../cli/devnet/processes.ts'
import type { HiveApiClient } from '../../cli/client.ts'
import type { NodeInfo } from '../../node/controller.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { peerIdToBytes } from '../../protocol/signing.ts'

/** Devnet-only passphrase of the bench's keystores (the keys are Hardhat's public dev keys). */
const PASSPHRASE = 'hive-bench-passphrase'
const START_TIMEOUT_MS = 90_000

export interface ProcPeer {
  name: string
  dir: string
  process: NodeProcess
  client: HiveApiClient
  info: NodeInfo
}

export interface ProcNet {
  chain: DeployedChain
  requester: ProcPeer
  providers: ProcPeer[]
  /** every node process (requester first) */
  peers: ProcPeer[]
  stop: () => Promise<void>
}

export interface ProcNetOptions {
  root: string
  providers: number
  /** nodes started at once */
  batch: number
  say: (text: string) => void
}

async function hiveOk(args: string[]): Promise<string> {
  const r = await runHive(args, { env: { HIVE_PASSPHRASE: PASSPHRASE }, timeoutMs: 120_000 })
  if (r.code !== 0) throw new Error(`hive ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(-400)}`)
  return r.stdout
}

/** `hive init` with the chain settings in config.json and the dev key imported (devnet KDF); returns the peer id */
async function prepare(
  dir: string,
  role: string,
  account: number,
  rpcUrl: string,
  deployments: string,
): Promise<string> {
  const init = JSON.parse(
    await hiveOk(['--data-dir', dir, 'init', '--role', role, '--benchmark', '200ms', '--json']),
  ) as { peerId: string }
  const configFile = join(dir, 'config.json')
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
  await writeFile(
    configFile,
    JSON.stringify({ ...config, rpcUrl, deployments, prices: { wasm: '0.001' }, mdns: false }, null, 2) + '\n',
  )
  // the key crosses a file (mode 0600, removed at once), never an argument
  const keyFile = join(dir, '..', `.${account}.key`)
  await writeFile(keyFile, devKey(account) + '\n', { mode: 0o600 })
  try {
    await hiveOk(['--data-dir', dir, 'wallet', 'import', '--key-file', keyFile, '--devnet-kdf', '--json'])
  } finally {
    await rm(keyFile, { force: true })
  }
  return init.peerId
}

/** runs `fn` over `items` with at most `limit` at once */
async function bounded<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i], i)
      }
    }),
  )
  return out
}

export async function startProcNet(opts: ProcNetOptions): Promise<ProcNet> {
  const logDir = join(opts.root, 'logs')
  await mkdir(logDir, { recursive: true })
  const processes: NodeProcess[] = []
  let hardhat: HardhatProcess | undefined
  let chain: DeployedChain | undefined
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map(async (p) => await p.stop(10_000)))
    chain?.close()
    await hardhat?.stop()
  }
  try {
    const [hh] = await Promise.all([
      startHardhat({ logFile: join(logDir, 'hardhat.log') }),
      ensureContractsBuilt(join(logDir, 'build.log')),
    ])
    // every node runs the compiled CLI, not the sources through tsx (not timed)
    ensureCliBuilt()
    hardhat = hh
    chain = await deployDevnet(hh.url, join(opts.root, 'deployments'))
    opts.say(`  chain at ${hh.url}, contracts deployed`)
    const deployments = chain.deploymentsDir
    const names = ['requester', ...Array.from({ length: opts.providers }, (_, i) => `provider-${i}`)]
    const t0 = performance.now()
    const peerIds = await bounded(
      names,
      4,
      async (name, i) =>
        await prepare(join(opts.root, name), i === 0 ? 'requester' : 'provider', i + 1, hh.url, deployments),
    )
    opts.say(`  ${names.length} data dirs initialised with wallets in ${Math.round(performance.now() - t0)} ms`)

    // ETH for gas, HIVE for the requester's channels and the providers' stakes
    const deployer = await chain.sender(chain.deployer)
    const token = chain.contracts.token
    const minStake = await chain.contracts.params.minProviderStake.staticCall()
    for (let i = 1; i <= names.length; i++)
      await chain.rpc('hardhat_setBalance', [new Wallet(devKey(i)).address, '0x' + parseEther('100').toString(16)])
    await deployer.call(
      token,
      'transfer',
      [new Wallet(devKey(1)).address, parseEther('100') * BigInt(opts.providers + 1)],
      { label: 'HIVE to the requester' },
    )
    for (let i = 2; i <= names.length; i++)
      await deployer.call(token, 'transfer', [new Wallet(devKey(i)).address, minStake], {
        label: `stake for provider ${i - 2}`,
      })
    const registry = await chain.contracts.registry.getAddress()
    await bounded(names.slice(1), 4, async (_, j) => {
      const sender = await chain!.sender(new Wallet(devKey(j + 2), chain!.provider))
      await sender.call(token, 'approve', [registry, minStake], { label: 'approve stake' })
      await sender.call(
        chain!.contracts.registry,
        'stake',
        [minStake, peerIdToBytes(peerIdFromString(peerIds[j + 1]))],
        { label: 'stake' },
      )
    })
    opts.say(`  ${opts.providers} providers staked ${minStake / 10n ** 18n} HIVE each`)

    const start = async (name: string, args: string[]): Promise<ProcPeer> => {
      const dir = join(opts.root, name)
      const proc = new NodeProcess({
        name,
        dataDir: dir,
        logFile: join(logDir, `${name}.log`),
        args: ['--benchmark', '200ms', '--no-mdns', ...args],
        env: { HIVE_PASSPHRASE: PASSPHRASE },
      })
      processes.push(proc)
      proc.start()
      const client = await proc.waitForApi(START_TIMEOUT_MS)
      return { name, dir, process: proc, client, info: await client.info() }
    }
    const requester = await start('requester', ['--dht-mode', 'server'])
    const bootstrap = loopbackTcpAddress(requester.info)
    const providers = await bounded(
      names.slice(1),
      opts.batch,
      async (name) => await start(name, ['--bootstrap', bootstrap]),
    )
    opts.say(`  ${names.length} node processes up in ${Math.round(performance.now() - t0)} ms`)
    return { chain, requester, providers, peers: [requester, ...providers], stop }
  } catch (err) {
    await stop()
    throw err
  }
}
