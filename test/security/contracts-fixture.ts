// Shared by the on-chain attack tests (items 9 and 10): the devnet deployment made by
// scripts/deploy.ts on Hardhat's in-process chain (the timelock owns everything, the governor is
// its only proposer), funded parties, and a helper that carries a proposal through governance
// exactly as token holders would: propose, vote, queue, wait the delay, execute.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ContractTransactionResponse } from 'ethers'
import { network } from 'hardhat'
import { deployAll } from '../../node/chain/deploy.ts'
import { devnetParams } from '../../node/chain/deploy-params.ts'
import { connectContracts } from '../../node/chain/contracts.ts'

export const connection = await network.connect()
export const { ethers, networkHelpers } = connection
export const E18 = 10n ** 18n
export const hive = (n: number | bigint): bigint => BigInt(n) * E18
export const key = (name: string): string => ethers.encodeBytes32String(name)

const dir = mkdtempSync(join(tmpdir(), 'hive-security-'))
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

export async function devnet() {
  const [deployer, voter, requester, provider, other, arbiterless] = await ethers.getSigners()
  // a fresh deployment each time the fixture runs (it runs again when another file's snapshot
  // invalidated it): reusing the recorded one would pay the parties below again from a deployer
  // that, since the genesis table, holds only its faucet row
  const d = await deployAll({
    signer: deployer,
    params: devnetParams,
    deploymentsDir: mkdtempSync(join(dir, 'deployment-')),
  })
  const { token, governor, timelock, params, registry, escrow, channel } = connectContracts(d, deployer)
  const c = {
    deployer,
    voter,
    requester,
    provider,
    other,
    arbiterless,
    deployment: d,
    token,
    governor,
    timelock,
    params,
    registry,
    escrow,
    channel,
  }
  // the voter holds 10% of the supply: over the 4% quorum on its own
  await send(token.connect(deployer).transfer(voter.address, hive(100_000_000)))
  await send(token.connect(voter).delegate(voter.address))
  for (const a of [requester, provider, other]) {
    await send(token.connect(deployer).transfer(a.address, hive(1_000_000)))
    for (const spender of [c.escrow, c.channel, c.registry]) {
      await send(token.connect(a).approve(await spender.getAddress(), ethers.MaxUint256))
    }
  }
  await networkHelpers.mine(1)
  return c
}
export type Devnet = Awaited<ReturnType<typeof devnet>>

/** Sends a typed call (`send(c.connect(from).fn(...))`) and waits for it to be mined. */
export async function send(call: Promise<ContractTransactionResponse>): Promise<ContractTransactionResponse> {
  const tx = await call
  await tx.wait()
  return tx
}

export interface Proposal {
  targets: string[]
  calldatas: string[]
  description: string
}

/** Proposes and votes `p` through; returns the proposal's steps so a test can act between them. */
export async function passProposal(g: Devnet, p: Proposal) {
  const args = [p.targets, p.targets.map(() => 0n), p.calldatas] as const
  const descriptionHash = ethers.id(p.description)
  await send(g.governor.connect(g.voter).propose(...args, p.description))
  const proposedAt = BigInt(await networkHelpers.time.latest())
  const id = await g.governor.hashProposal(...args, descriptionHash)
  return {
    proposedAt,
    /** voting delay, the vote, the voting period: ends with the proposal Succeeded */
    vote: async () => {
      const snapshot = await g.governor.proposalSnapshot(id)
      await networkHelpers.time.increaseTo(snapshot + 1n)
      await send(g.governor.connect(g.voter).castVote(id, 1))
      const deadline = await g.governor.proposalDeadline(id)
      await networkHelpers.time.increaseTo(deadline + 1n)
    },
    queue: async () => {
      await send(g.governor.connect(g.other).queue(...args, descriptionHash))
    },
    /** the earliest second the timelock lets anyone execute */
    eta: async () => await g.governor.proposalEta(id),
    execute: async () => await g.governor.connect(g.other).execute(...args, descriptionHash),
  }
}
