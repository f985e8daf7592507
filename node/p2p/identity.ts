// The node's libp2p identity: an Ed25519 key kept in `<dataDir>/peer-key` (protobuf-marshalled,
// as libp2p's own tools write it), readable by the owner only.
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { UsageError } from '../../protocol/errors.ts'
import type { PrivateKey } from '@libp2p/interface'

export const PEER_KEY_FILENAME = 'peer-key'

export function peerKeyPath(dataDir: string): string {
  return join(dataDir, PEER_KEY_FILENAME)
}

/** Refuses key (and token) files that anyone but the owner can read or write, as ssh does. */
export function assertPrivateFile(path: string): void {
  if (process.platform === 'win32') return // POSIX modes mean nothing there
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new UsageError(
      'KEY_FILE_PERMISSIONS',
      `${path} is accessible by other users (mode` +
        ` ${mode.toString(8).padStart(3, '0')}); it holds a secret. Fix: chmod` +
        ` 600 ${path}`,
      { path, mode: mode.toString(8) },
    )
  }
}

/** Writes bytes to a new file with mode 0600 and fsyncs it; fails if the file already exists. */
export function writePrivateFileExclusive(path: string, bytes: Uint8Array | string): void {
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export async function loadPeerKey(dataDir: string): Promise<PrivateKey> {
  const path = peerKeyPath(dataDir)
  assertPrivateFile(path)
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(readFileSync(path))
  } catch (err) {
    throw new UsageError(
      'KEY_FILE_INVALID',
      `${path} is not a libp2p private key. Fix: restore it from a backup, or` +
        ` move it away and run \`hive init\` to make a new identity`,
      { path },
      { cause: err },
    )
  }
  if (key.type !== 'Ed25519') {
    throw new UsageError(
      'KEY_FILE_INVALID',
      `${path} holds a ${key.type} key; ComputeHive peers use Ed25519. Fix: move it away and run \`hive init\``,
      { path, type: key.type },
    )
  }
  return key
}

/** Loads the key, or creates one if the file does not exist. `created` says which happened. */
export async function loadOrCreatePeerKey(dataDir: string): Promise<{ key: PrivateKey; created: boolean }> {
  const path = peerKeyPath(dataDir)
  try {
    return { key: await loadPeerKey(dataDir), created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const key = await generateKeyPair('Ed25519')
  try {
    writePrivateFileExclusive(path, privateKeyToProtobuf(key))
  } catch (err) {
    // another process created it between our read and write: use theirs, never overwrite
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key: await loadPeerKey(dataDir), created: false }
    throw err
  }
  return { key, created: true }
}
