// Deploys ComputeHive's contracts (node/chain/deploy.ts) and prints their addresses.
//
//   npx tsx scripts/deploy.ts [--rpc <url>] [--devnet] [--out <dir>] [--genesis <table.json>]
//
// With --rpc the deployer key comes from the environment (HIVE_DEPLOYER_KEY); without it the
// in-process Hardhat network and its first account are used. The genesis table (who gets the
// HIVE supply: node/chain/genesis.ts) is a JSON array of { name, to, amount (wei, decimal
// string), vesting?: { durationSeconds, startDelaySeconds? } }; `to` is an address, "treasury"
// or "deployer". Without --genesis: the devnet's table with --devnet, else all to the treasury.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Signer } from 'ethers'
import { deployAll } from '../node/chain/deploy.ts'
import { defaultParams, devnetParams } from '../node/chain/deploy-params.ts'
import type { GenesisAllocation } from '../node/chain/genesis.ts'
import { CONTRACT_NAMES } from '../node/chain/deployment-schema.ts'
import { UsageError } from '../protocol/errors.ts'

interface Args {
  rpc?: string
  devnet: boolean
  out?: string
  genesis?: string
}

/** The genesis table from a JSON file (amounts and seconds as decimal strings or numbers). */
function readGenesis(file: string): GenesisAllocation[] {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    name: string
    to: string
    amount: string | number
    vesting?: { durationSeconds: string | number; startDelaySeconds?: string | number }
  }>
  if (!Array.isArray(rows)) throw new UsageError('BAD_GENESIS', `${file}: not a JSON array of rows`, { file })
  return rows.map((r) => ({
    name: String(r.name),
    to: String(r.to),
    amount: BigInt(r.amount),
    ...(r.vesting !== undefined
      ? {
          vesting: {
            durationSeconds: BigInt(r.vesting.durationSeconds),
            startDelaySeconds: BigInt(r.vesting.startDelaySeconds ?? 0),
          },
        }
      : {}),
  }))
}

function parseArgs(argv: string[]): Args {
  const out: Args = { devnet: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--devnet') out.devnet = true
    else if (a === '--rpc' || a === '--out' || a === '--genesis') {
      const v = argv[++i]
      if (v == null || v.startsWith('--')) throw new UsageError('BAD_ARGUMENT', `${a} needs a value`, { argument: a })
      if (a === '--rpc') out.rpc = v
      else if (a === '--genesis') out.genesis = resolve(v)
      else out.out = resolve(v)
    } else {
      const usage = 'usage: deploy.ts [--rpc <url>] [--devnet] [--out <dir>] [--genesis <table.json>]'
      throw new UsageError('BAD_ARGUMENT', `unknown argument ${a}; ${usage}`, { argument: a })
    }
  }
  return out
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log = (msg: string): void => {
    console.error(msg)
  }
  const base = args.devnet ? devnetParams : defaultParams
  const params = args.genesis !== undefined ? { ...base, genesis: readGenesis(args.genesis) } : base
  let signer: Signer
  if (args.rpc != null) {
    const key = process.env.HIVE_DEPLOYER_KEY
    if (key == null || key === '') {
      const fix = "set HIVE_DEPLOYER_KEY to the deployer's private key (hex) to deploy with --rpc"
      throw new UsageError('NO_DEPLOYER_KEY', fix, {})
    }
    const { JsonRpcProvider, Wallet } = await import('ethers')
    signer = new Wallet(key, new JsonRpcProvider(args.rpc))
  } else {
    const { network } = await import('hardhat')
    const { ethers } = await network.connect()
    signer = (await ethers.getSigners())[0]
    log('no --rpc: deploying to the in-process Hardhat network (gone when this process exits)')
  }
  const d = await deployAll({ signer, params, log, deploymentsDir: args.out })
  const contracts = Object.fromEntries(CONTRACT_NAMES.map((n) => [n, d.contracts[n].address]))
  console.log(JSON.stringify({ chainId: d.chainId, blockNumber: d.blockNumber, contracts }))
}

main().catch((err: unknown) => {
  // ethers errors carry the whole transaction in `message`; `shortMessage` says what went wrong
  const short = (err as { shortMessage?: unknown }).shortMessage
  const reason = typeof short === 'string' ? short : String(err)
  console.error(err instanceof UsageError ? `error: ${err.message}` : `deployment failed: ${reason}`)
  process.exit(1)
})
