// RFC 6962 / RFC 9162 Merkle trees over SHA-256: hashing, roots, proofs and their verification.
export { EMPTY_ROOT, HASH_BYTES, equalBytes, isHash, leafHash, nodeHash, sha256 } from './hash.ts'
export {
  hashRange,
  splitPoint,
  subtreesFor,
  subtreesOf,
  type LeafRange,
  type NodeSource,
  type SubtreeId,
} from './ranges.ts'
export { MemoryTree, appendLeaf, pushLeaf, rootOf, rootOfFrontier, type CompletedSubtree } from './tree.ts'
export { consistencyProof, consistencyProofRanges, inclusionProof, inclusionProofRanges } from './proof.ts'
export {
  checkConsistency,
  checkInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type ProofCheck,
  type ProofFailure,
} from './verify.ts'
