// Size limits of audit entries: decoding is bounded before any parsing, and every field is
// checked on encode and decode so that no oversized or malformed entry enters a log.

export const AUDIT_BOUNDS = {
  /** whole encoded entry (an embedded envelope is at most maxEnvelopeBytes) */
  maxEntryBytes: 8 * 1024,
  maxEnvelopeBytes: 4 * 1024,
  /** binary peer ids: an Ed25519 identity multihash is 38 bytes; room for other key types */
  maxPeerBytes: 64,
  maxCidBytes: 64,
  /** secp256k1 (65) and Ed25519 (64) signatures, with room for contract-wallet schemes */
  maxSignatureBytes: 128,
  maxReasonLength: 256,
  maxRedundancy: 16,
  maxAwardIndex: 15,
  hashBytes: 32,
} as const
