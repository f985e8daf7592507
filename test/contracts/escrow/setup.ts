// Fixtures for the JobEscrow tests: the core deployment plus one escrow created by `requester`
// for `provider`.
import { escrowId as escrowIdOf } from '../../../protocol/eip712.ts'
import { as, b32, deployCore, hive } from '../helpers.ts'
import type { Core, Ethers } from '../helpers.ts'

export const PRICE = hive(10)
export const DEADLINE_IN = 1000n

export interface Created {
  jobId: string
  escrowId: string
  deadline: bigint
  resultHash: string
}

export async function createEscrow(ethers: Ethers, c: Core, label = 'job-1', now?: bigint): Promise<Created> {
  const jobId = b32(ethers, label)
  const block = await ethers.provider.getBlock('latest')
  const deadline = (now ?? BigInt(block?.timestamp ?? 0)) + DEADLINE_IN
  await (
    await as(c.escrow, c.requester).create(jobId, c.provider.address, await c.token.getAddress(), PRICE, deadline)
  ).wait()
  return {
    jobId,
    escrowId: escrowIdOf(jobId, c.requester.address, c.provider.address),
    deadline,
    resultHash: b32(ethers, `${label} output`),
  }
}

export async function escrowFixture(ethers: Ethers) {
  const core = await deployCore(ethers)
  const e = await createEscrow(ethers, core)
  return { ...core, ...e }
}

/** Net payout and fee for a gross amount at the test fee (1%). */
export function split(gross: bigint, feeBps = 100n): { payout: bigint; fee: bigint } {
  const fee = (gross * feeBps) / 10_000n
  return { payout: gross - fee, fee }
}

export function escrowAs(c: Core, who: 'requester' | 'provider' | 'other' | 'arbiter'): Core['escrow'] {
  return as(c.escrow, c[who])
}
