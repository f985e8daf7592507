// The scene of the steady-load scenarios (soak, disk-clock): a Hardhat chain with the contracts,
// one requester paying through it, and a fleet of providers: in-process ones sharing one WASM
// worker pool, or each in a process of its own. `stop()` takes it down in reverse.
import { WorkerPool } from '../../node/exec/index.ts'
import { Fleet } from './fleet.ts'
import { startPaidChain } from './paid-chain.ts'
import { startChaosRequester } from './requester-node.ts'
import type { PaidChain } from './paid-chain.ts'
import type { ChaosRequester } from './requester-node.ts'

export interface PaidFleet {
  paid: PaidChain
  req: ChaosRequester
  fleet: Fleet
  stop: () => Promise<void>
}

export async function startPaidFleet(
  root: string,
  say: (text: string) => void,
  requester: { systemClock?: () => number; keepEvents?: boolean } = {},
  /** where the providers run (default: in this process, sharing one WASM worker pool) */
  mode: 'process' | 'in-process' = 'in-process',
): Promise<PaidFleet> {
  const paid = await startPaidChain(root, say)
  const cleanups: Array<() => Promise<unknown>> = [async () => await paid.stop()]
  const stop = async (): Promise<void> => {
    for (const c of cleanups.splice(0)) await c().catch(() => {})
  }
  try {
    const req = await startChaosRequester({ root, paid, ...requester })
    cleanups.unshift(async () => await req.stop())
    const pool = mode === 'in-process' ? new WorkerPool({ size: 2 }) : undefined
    if (pool !== undefined) {
      await pool.start()
      cleanups.unshift(async () => await pool.stop())
    }
    const fleet = new Fleet({
      root,
      requester: req.node,
      mode,
      ...(pool !== undefined ? { pool } : {}),
      paid: { settings: paid.settings, wallet: paid.providerWallet },
    })
    cleanups.unshift(async () => await fleet.stop())
    return { paid, req, fleet, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
