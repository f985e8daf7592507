// ethers Contracts for every ComputeHive contract, built from the ABIs in the deployments file
// (which carry the custom errors and events, so reverts and logs decode without artifacts).
import { Contract } from 'ethers'
import type { ContractRunner } from 'ethers'
import type { ContractName, Deployment } from './deployment-schema.ts'

export interface HiveContracts {
  token: Contract
  timelock: Contract
  governor: Contract
  params: Contract
  registry: Contract
  escrow: Contract
  channel: Contract
  anchor: Contract
}

const FIELDS: Record<keyof HiveContracts, ContractName> = {
  token: 'HiveToken',
  timelock: 'TimelockController',
  governor: 'HiveGovernor',
  params: 'ProtocolParams',
  registry: 'ProviderRegistry',
  escrow: 'JobEscrow',
  channel: 'PaymentChannel',
  anchor: 'AuditAnchor',
}

/** Contracts bound to `runner` (a provider for reads; sending goes through TxSender). */
export function connectContracts (deployment: Deployment, runner: ContractRunner): HiveContracts {
  const out = {} as HiveContracts
  for (const [field, name] of Object.entries(FIELDS) as Array<[keyof HiveContracts, ContractName]>) {
    const rec = deployment.contracts[name]
    out[field] = new Contract(rec.address, rec.abi, runner)
  }
  return out
}

/** The block to start reading a contract's events from. */
export function deploymentBlock (deployment: Deployment, name: ContractName): number {
  return deployment.contracts[name].blockNumber ?? deployment.blockNumber
}
