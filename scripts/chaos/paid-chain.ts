// The chain of a paid chaos run: a Hardhat node with ComputeHive deployed (cli/devnet/chain.ts, as
// the demo starts it), dev accounts funded, and the escrow contract's events read back at the end,
// so that `doublePaid` is counted from what the chain paid out rather than from the requester's
// own records. Account 1 is the requester; providers take accounts 2, 3, … (one per provider
// ever started, replacements included), each given ETH for its gas.
import { join } from 'node:path'
import { Wallet, parseEther } from 'ethers'
import { deployDevnet, devKey, ensureContractsBuilt, startHardhat } from '../../cli/devnet/chain.ts'
import type { DeployedChain, HardhatProcess } from '../../cli/devnet/chain.ts'
import type { ChainSettings } from '../../node/chain/client.ts'

export interface EscrowPayout {
  escrowId: string
  /** 64 hex digits, no 0x (as the market's job records name jobs) */
  jobId: string
  /** checksummed provider address */
  provider: string
  created: true
  /** released, claimed or resolved with a payout to the provider */
  paid: bigint
  refunded: boolean
  /** the provider committed a result hash on chain (a requester's cancel is then shut out) */
  committed: boolean
  /** the requester disputed the commitment (an arbiter or the arbitration window decides) */
  disputed: boolean
}

export interface PaidChain {
  settings: ChainSettings
  requesterWallet: Wallet
  /** the dev wallet of the n-th provider started (n from 0), funded with ETH for gas */
  providerWallet: (n: number) => Promise<Wallet>
  /** the dev wallet of the n-th extra requester (n from 0; not account 1), given ETH and HIVE */
  extraRequesterWallet: (n: number) => Promise<Wallet>
  /** every escrow the chain saw, with what it paid out */
  escrows: () => Promise<EscrowPayout[]>
  stop: () => Promise<void>
}

export async function startPaidChain(root: string, say: (text: string) => void): Promise<PaidChain> {
  let hardhat: HardhatProcess | undefined
  let chain: DeployedChain | undefined
  const stop = async (): Promise<void> => {
    chain?.close()
    await hardhat?.stop()
  }
  try {
    const [hh] = await Promise.all([
      startHardhat({ logFile: join(root, 'hardhat.log') }),
      ensureContractsBuilt(join(root, 'build.log')),
    ])
    hardhat = hh
    chain = await deployDevnet(hh.url, join(root, 'deployments'))
    const deployed = chain
    say(`chain at ${hh.url}, contracts deployed`)
    const requesterWallet = new Wallet(devKey(1))
    const deployer = await deployed.sender(deployed.deployer)
    await deployed.rpc('hardhat_setBalance', [requesterWallet.address, '0x' + parseEther('1000').toString(16)])
    await deployer.call(deployed.contracts.token, 'transfer', [requesterWallet.address, parseEther('100000')], {
      label: 'HIVE to the requester',
    })
    const escrow = deployed.contracts.escrow
    return {
      settings: { rpcUrl: hh.url, deployments: deployed.deploymentsDir, maxFeeGwei: 1000, confirmations: 1 },
      requesterWallet,
      providerWallet: async (n) => {
        const wallet = new Wallet(devKey(2 + n))
        await deployed.rpc('hardhat_setBalance', [wallet.address, '0x' + parseEther('100').toString(16)])
        return wallet
      },
      extraRequesterWallet: async (n) => {
        const wallet = new Wallet(devKey(200 + n))
        await deployed.rpc('hardhat_setBalance', [wallet.address, '0x' + parseEther('1000').toString(16)])
        await deployer.call(deployed.contracts.token, 'transfer', [wallet.address, parseEther('100000')], {
          label: `HIVE to requester ${n}`,
        })
        return wallet
      },
      escrows: async () => {
        const byId = new Map<string, EscrowPayout>()
        for (const e of await escrow.queryFilter(escrow.filters.EscrowCreated(), 0)) {
          const [escrowId, jobId, , provider] = (e as unknown as { args: [string, string, string, string] }).args
          byId.set(escrowId, {
            escrowId,
            jobId: jobId.replace(/^0x/, ''),
            provider,
            created: true,
            paid: 0n,
            refunded: false,
            committed: false,
            disputed: false,
          })
        }
        const paid = async (
          name: 'EscrowReleased' | 'EscrowClaimed' | 'DisputeResolved',
          at: number,
        ): Promise<void> => {
          for (const e of await escrow.queryFilter(escrow.filters[name](), 0)) {
            const args = (e as unknown as { args: unknown[] }).args
            const rec = byId.get(args[0] as string)
            if (rec !== undefined) rec.paid += args[at] as bigint
          }
        }
        await paid('EscrowReleased', 2)
        await paid('EscrowClaimed', 1)
        await paid('DisputeResolved', 2)
        const flag = async (
          name: 'EscrowRefunded' | 'ResultCommitted' | 'EscrowDisputed',
          key: 'refunded' | 'committed' | 'disputed',
        ): Promise<void> => {
          for (const e of await escrow.queryFilter(escrow.filters[name](), 0)) {
            const rec = byId.get((e as unknown as { args: [string] }).args[0])
            if (rec !== undefined) rec[key] = true
          }
        }
        await flag('EscrowRefunded', 'refunded')
        await flag('ResultCommitted', 'committed')
        await flag('EscrowDisputed', 'disputed')
        return [...byId.values()]
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
