export { createHiveLibp2p } from './create.ts'
export type { HiveLibp2p, HiveLibp2pOptions, HiveServices } from './create.ts'
export {
  CONNECTION_LIMITS,
  DEFAULT_COLOCATION_WHITELIST,
  DHT_PROTOCOL,
  GOSSIP_SCORE_THRESHOLDS,
  PROTOCOL_PREFIX,
  USER_AGENT_NAME,
} from './constants.ts'
export {
  PEER_KEY_FILENAME,
  assertPrivateFile,
  loadOrCreatePeerKey,
  loadPeerKey,
  peerKeyPath,
  writePrivateFileExclusive,
} from './identity.ts'
export { openSublevelDatastore } from './datastore.ts'
export { hiveRecordSelector, hiveRecordValidator } from './records.ts'
export type { HiveRecordKind, HiveRecordKinds } from './records.ts'
export { cancelLibp2pShutdownTimers } from './shutdown.ts'
