// ethers Contracts for every ComputeHive contract, built from the ABIs in the deployments file
// (which carry the custom errors and events, so reverts and logs decode without artifacts), and
// typed by the TypeChain bindings `hardhat build` generates from the same contracts' ABIs
// (types/ethers-contracts/, not committed; see typechain.ts): `registry.providerInfo(a)` is
// checked against the ABI, where `getFunction('providerInfo')` took any name and needed a cast.
import { Contract } from 'ethers'
import type { BaseContract, ContractRunner, InterfaceAbi } from 'ethers'
import type { ContractName, Deployment } from './deployment-schema.ts'
import type {
  AuditAnchor,
  HiveGovernor,
  HiveTimelock,
  HiveToken,
  JobEscrow,
  PaymentChannel,
  ProtocolParams,
  ProviderRegistry,
} from './typechain.ts'

/**
 * A contract typed by its binding and still an ethers Contract (code that sends through TxSender
 * or reads logs takes a Contract): the binding's typed methods come first in overload resolution.
 */
export type Bound<T> = T & Contract

export interface HiveContracts {
  token: Bound<HiveToken>
  timelock: Bound<HiveTimelock>
  governor: Bound<HiveGovernor>
  params: Bound<ProtocolParams>
  registry: Bound<ProviderRegistry>
  escrow: Bound<JobEscrow>
  channel: Bound<PaymentChannel>
  anchor: Bound<AuditAnchor>
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
export function connectContracts(deployment: Deployment, runner: ContractRunner): HiveContracts {
  const out: Partial<Record<keyof HiveContracts, Contract>> = {}
  for (const [field, name] of Object.entries(FIELDS) as Array<[keyof HiveContracts, ContractName]>) {
    const rec = deployment.contracts[name]
    out[field] = new Contract(rec.address, rec.abi, runner)
  }
  // the one cast: each Contract was built from the ABI its TypeChain type was generated from
  return out as unknown as HiveContracts
}

/**
 * One contract outside the deployment file's set (a deploy step, a version probe, a contract whose
 * address is read from another) typed by its binding `T`. The caller names the binding whose ABI
 * `abi` is (or is a slice of): like connectContracts, this is the one place that claims it.
 */
export function bindContract<T extends BaseContract>(
  address: string,
  abi: InterfaceAbi,
  runner: ContractRunner | null,
): Bound<T> {
  return new Contract(address, abi, runner) as unknown as Bound<T>
}

/** The block to start reading a contract's events from. */
export function deploymentBlock(deployment: Deployment, name: ContractName): number {
  return deployment.contracts[name].blockNumber ?? deployment.blockNumber
}
