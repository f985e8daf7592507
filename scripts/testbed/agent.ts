// The testbed's hands inside one namespace: the harness (run.ts, in the root namespace) starts
// `ip netns exec <ns> node --import tsx agent.ts` once per host and sends it one JSON request per
// line on stdin; the agent answers one JSON line on stdout. Everything that touches the testbed's
// network happens here, inside the namespace: the chain, the `hive` processes, API calls, probes.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { JsonRpcProvider, Network, Wallet, parseEther, parseUnits } from 'ethers'
import { HiveClient } from '../../cli/client.ts'
import { DEVNET_CHAIN_ID, deployDevnet, devKey, rpcCall } from '../../cli/devnet/chain.ts'
import { connectContracts } from '../../node/chain/contracts.ts'
import { loadDeployment } from '../../node/chain/deployment-schema.ts'
import { TxSender } from '../../node/chain/tx.ts'
import { REPO_ROOT } from '../../cli/devnet/processes.ts'
import { runJobs } from './jobs.ts'
import type { JobsRequest } from './jobs.ts'

const HIVE_BIN = join(REPO_ROOT, 'cli', 'hive')
const children: ChildProcess[] = []

/** The environment of children: ours minus HIVE_* (a stray setting must not leak in), plus extras. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HIVE_')) env[k] = v
  return { ...env, ...extra }
}

function spawnLogged(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' })
  const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  children.push(child)
  return child
}

async function runHive(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve, reject) => {
    const child = spawn(HIVE_BIN, args, { cwd: REPO_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, stdout, stderr })
    })
  })
}

/** A TCP connect from this namespace: did it connect, and if not, why. */
async function probe(host: string, port: number, timeoutMs: number): Promise<{ connected: boolean; error?: string }> {
  return await new Promise((resolve) => {
    const s = connect({ host, port })
    const done = (r: { connected: boolean; error?: string }): void => {
      clearTimeout(timer)
      s.destroy()
      resolve(r)
    }
    const timer = setTimeout(() => done({ connected: false, error: `no answer in ${timeoutMs} ms` }), timeoutMs)
    s.once('connect', () => done({ connected: true }))
    s.once('error', (err: NodeJS.ErrnoException) => done({ connected: false, error: err.code ?? err.message }))
  })
}

async function startNode(r: {
  dataDir: string
  args: string[]
  env: Record<string, string>
  logFile: string
  timeoutMs: number
}): Promise<unknown> {
  const child = spawnLogged(HIVE_BIN, ['--data-dir', r.dataDir, 'node', 'start', ...r.args], r.logFile, childEnv(r.env))
  let exited: number | null | undefined
  child.once('exit', (code) => {
    exited = code
  })
  const until = Date.now() + r.timeoutMs
  let last = 'no api.json'
  while (Date.now() < until) {
    if (exited !== undefined)
      throw new Error(`node in ${r.dataDir} exited (${exited}) before its API came up; see ${r.logFile}`)
    if (existsSync(join(r.dataDir, 'api.json'))) {
      try {
        const client = await HiveClient.forDataDir(r.dataDir)
        return await client.call('node.info')
      } catch (err) {
        last = (err as Error).message
      }
    }
    await sleep(200)
  }
  throw new Error(`node in ${r.dataDir}: API not up in ${r.timeoutMs} ms (${last}); see ${r.logFile}`)
}

async function startHardhat(r: { host: string; port: number; logFile: string }): Promise<{ url: string }> {
  const child = spawnLogged(
    join(REPO_ROOT, 'node_modules', '.bin', 'hardhat'),
    ['node', '--hostname', r.host, '--port', String(r.port)],
    r.logFile,
    { ...process.env, FORCE_COLOR: '0' },
  )
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  const url = `http://${r.host}:${r.port}`
  const until = Date.now() + 90_000
  for (;;) {
    if (exited) throw new Error(`hardhat node exited; see ${r.logFile}`)
    try {
      await rpcCall(url, 'eth_chainId', [], AbortSignal.timeout(2_000))
      return { url }
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`hardhat node did not answer on ${url}; see ${r.logFile}`)
    await sleep(200)
  }
}

/** Deploys the contracts (account 0 deploys and holds the HIVE supply), then funds like fund(). */
async function deploy(r: {
  url: string
  deploymentsDir: string
  fund: Array<{ account: number; hive: string }>
}): Promise<unknown> {
  const chain = await deployDevnet(r.url, r.deploymentsDir)
  chain.close()
  return await fund(r)
}

/** Gives each account 100 ETH (hardhat_setBalance) and its HIVE from the deployer. */
async function fund(r: {
  url: string
  deploymentsDir: string
  fund: Array<{ account: number; hive: string }>
}): Promise<unknown> {
  const network = Network.from(DEVNET_CHAIN_ID)
  const provider = new JsonRpcProvider(r.url, network, { staticNetwork: network, pollingInterval: 50 })
  try {
    const deployment = loadDeployment(join(r.deploymentsDir, `${DEVNET_CHAIN_ID}.json`))
    if (deployment === undefined) throw new Error(`no deployment in ${r.deploymentsDir}`)
    const token = connectContracts(deployment, provider).token
    const deployer = await TxSender.create({
      signer: new Wallet(devKey(0), provider),
      provider,
      chainId: DEVNET_CHAIN_ID,
      maxFeePerGas: parseUnits('1000', 'gwei'),
      pollMs: 25,
    })
    const eth = '0x' + parseEther('100').toString(16)
    for (const f of r.fund) {
      const w = new Wallet(devKey(f.account))
      await rpcCall(r.url, 'hardhat_setBalance', [w.address, eth])
      if (BigInt(f.hive) > 0n)
        await deployer.call(token, 'transfer', [w.address, BigInt(f.hive)], { label: `HIVE to account ${f.account}` })
    }
    return { funded: r.fund.length }
  } finally {
    provider.destroy()
  }
}

async function call(r: { dataDir: string; key: string; input?: unknown }): Promise<unknown> {
  const client = await HiveClient.forDataDir(r.dataDir)
  const untyped = client as unknown as { call: (key: string, input?: unknown) => Promise<unknown> }
  return await untyped.call(r.key, r.input)
}

async function stopChildren(graceMs: number): Promise<void> {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map(async (c) => {
        const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()))
        c.kill('SIGTERM')
        const t = setTimeout(() => c.kill('SIGKILL'), graceMs)
        await gone
        clearTimeout(t)
      }),
  )
}

type Request = { id: number; op: string } & Record<string, unknown>
async function handle(req: Request): Promise<unknown> {
  const r = req as never
  switch (req.op) {
    case 'probe': {
      const p = req as unknown as { host: string; port: number; timeoutMs: number }
      return await probe(p.host, p.port, p.timeoutMs)
    }
    case 'hive': {
      const h = req as unknown as { args: string[]; env?: Record<string, string>; timeoutMs?: number }
      return await runHive(h.args, h.env ?? {}, h.timeoutMs ?? 120_000)
    }
    case 'startNode':
      return await startNode(r)
    case 'hardhat':
      return await startHardhat(r)
    case 'deploy':
      return await deploy(r)
    case 'fund':
      return await fund(r)
    case 'call':
      return await call(r)
    case 'jobs':
      return await runJobs(req as unknown as JobsRequest)
    case 'readFile':
      return readFileSync((req as unknown as { path: string }).path, 'utf8')
    case 'stop':
      await stopChildren(10_000)
      return { stopped: true }
    default:
      throw new Error(`unknown op ${req.op}`)
  }
}

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  let req: Request
  try {
    req = JSON.parse(line) as Request
  } catch {
    return
  }
  handle(req).then(
    (result) => {
      process.stdout.write(JSON.stringify({ id: req.id, ok: true, result }) + '\n')
    },
    (err: unknown) => {
      process.stdout.write(
        JSON.stringify({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }) + '\n',
      )
    },
  )
})
// the harness went away (it ended or was killed): stop what this agent started, then leave
rl.on('close', () => {
  void stopChildren(5_000).then(() => process.exit(0))
})
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, () => {
    void stopChildren(5_000).then(() => process.exit(0))
  })
process.stdout.write(JSON.stringify({ id: 0, ok: true, result: { ready: true, pid: process.pid } }) + '\n')
