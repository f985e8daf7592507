// The TypeChain (ethers 6) contract types, generated from the compiled contracts' ABIs by
// `hardhat build` (@nomicfoundation/hardhat-typechain, part of the toolbox; hardhat.config.ts) into
// types/ethers-contracts/, which is not committed: `npm install` (scripts/setup/build.mjs) and
// `npm test` build the contracts before anything typechecks. Type-only, and from each contract's
// own file rather than the index (which also exports the factories): nothing here runs.
export type { AuditAnchor } from '../../types/ethers-contracts/audit/AuditAnchor.ts'
export type { HiveGovernor } from '../../types/ethers-contracts/governance/HiveGovernor.ts'
export type { HiveTimelock } from '../../types/ethers-contracts/governance/HiveTimelock.ts'
export type { ProtocolParams } from '../../types/ethers-contracts/governance/ProtocolParams.ts'
export type { HiveToken } from '../../types/ethers-contracts/token/HiveToken.ts'
export type { IVersioned } from '../../types/ethers-contracts/interfaces/IVersioned.ts'
export type { JobEscrow } from '../../types/ethers-contracts/settlement/JobEscrow.ts'
export type { PaymentChannel } from '../../types/ethers-contracts/settlement/PaymentChannel.ts'
export type { ProviderRegistry } from '../../types/ethers-contracts/registry/ProviderRegistry.ts'
