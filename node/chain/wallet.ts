// The node's Ethereum account: an encrypted JSON keystore (Web3 Secret Storage v3, scrypt) at
// <dataDir>/wallet.json, mode 0600. The private key exists in clear only inside the unlocked
// ethers Wallet in this process; it is never logged, put in an error, or served by the API.
import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, readFileSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { Wallet, decryptKeystoreJson, encryptKeystoreJson, getAddress, isError } from 'ethers'
import { logger } from '../log/logger.ts'
import { assertPrivateFile, writePrivateFileExclusive } from '../p2p/identity.ts'
import { WalletError } from './errors.ts'
import { UsageError } from '../../protocol/errors.ts'

const log = logger('hive:chain:wallet')

export const WALLET_FILE = 'wallet.json'

/** scrypt cost parameter N (r = 8, p = 1). */
export interface KdfCost {
  N: number
}
/** ethers' default (2^17): about a second to unlock on this kind of machine. */
export const DEFAULT_KDF: Readonly<KdfCost> = Object.freeze({ N: 1 << 17 })
/**
 * 2^12: unlocks in ~30 ms. For the devnet and tests only: a stolen keystore with this cost
 * falls to a dictionary attack far sooner. Callers must choose it explicitly.
 */
export const DEVNET_KDF: Readonly<KdfCost> = Object.freeze({ N: 1 << 12 })

export const MIN_PASSPHRASE_LENGTH = 8

export function walletPath(dataDir: string): string {
  return join(dataDir, WALLET_FILE)
}

export function walletExists(dataDir: string): boolean {
  return existsSync(walletPath(dataDir))
}

function readKeystore(dataDir: string): string {
  const path = walletPath(dataDir)
  if (!existsSync(path)) {
    throw new WalletError(
      'NO_WALLET',
      `no wallet in ${dataDir}: create one with \`hive wallet create\` or import a key with \`hive wallet import\``,
      { dataDir },
    )
  }
  assertPrivateFile(path)
  return readFileSync(path, 'utf8')
}

/** The wallet's address, read from the keystore without the passphrase (it is stored in clear). */
export function readWalletAddress(dataDir: string): string {
  const json = readKeystore(dataDir)
  try {
    const address = (JSON.parse(json) as { address?: unknown }).address
    if (typeof address !== 'string') throw new Error('no address field')
    return getAddress(address.startsWith('0x') ? address : '0x' + address)
  } catch (err) {
    throw new WalletError(
      'WALLET_UNREADABLE',
      `${walletPath(dataDir)} is not a keystore file with an address; restore it from a backup`,
      { path: walletPath(dataDir) },
      { cause: err },
    )
  }
}

function checkNewPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new UsageError(
      'WEAK_PASSPHRASE',
      `the wallet passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
      { minLength: MIN_PASSPHRASE_LENGTH },
    )
  }
}

async function writeKeystore(
  dataDir: string,
  account: { address: string; privateKey: string },
  passphrase: string,
  kdf: KdfCost,
): Promise<string> {
  const path = walletPath(dataDir)
  if (existsSync(path)) {
    throw new WalletError(
      'WALLET_EXISTS',
      `${path} already exists; it was left untouched. Move it away first if you really` +
        ` mean to replace this account (its funds stay with the old key)`,
      { path },
    )
  }
  const json = await encryptKeystoreJson(account, passphrase, { scrypt: { N: kdf.N } })
  // write a temporary file, then link it into place: the wallet appears whole or not at all,
  // and link() fails rather than overwrite a wallet created meanwhile
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  writePrivateFileExclusive(tmp, json)
  try {
    linkSync(tmp, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new WalletError('WALLET_EXISTS', `${path} already exists; it was left untouched`, { path })
    throw err
  } finally {
    unlinkSync(tmp)
  }
  log('wallet written %o', { address: account.address, scryptN: kdf.N })
  return path
}

export interface NewWalletOptions {
  /** scrypt cost; DEFAULT_KDF unless the caller explicitly asks for DEVNET_KDF */
  kdf?: KdfCost
}

/** Creates a new random account and stores it encrypted. Refuses to replace an existing wallet. */
export async function createWallet(
  dataDir: string,
  passphrase: string,
  options: NewWalletOptions = {},
): Promise<{ address: string; path: string }> {
  checkNewPassphrase(passphrase)
  const fresh = Wallet.createRandom()
  const path = await writeKeystore(
    dataDir,
    { address: fresh.address, privateKey: fresh.privateKey },
    passphrase,
    options.kdf ?? DEFAULT_KDF,
  )
  return { address: fresh.address, path }
}

/** Stores an existing private key (0x + 64 hex digits) encrypted. Refuses to replace a wallet. */
export async function importWallet(
  dataDir: string,
  privateKey: string,
  passphrase: string,
  options: NewWalletOptions = {},
): Promise<{ address: string; path: string }> {
  checkNewPassphrase(passphrase)
  const trimmed = privateKey.trim()
  const hex = trimmed.startsWith('0x') ? trimmed : '0x' + trimmed
  let account: Wallet
  try {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new Error('bad length')
    account = new Wallet(hex)
  } catch (err) {
    // the key itself must not end up in the message
    throw new UsageError(
      'BAD_PRIVATE_KEY',
      'the input is not a secp256k1 private key (expected 64 hex digits, optionally 0x-prefixed)',
      {},
      { cause: isError(err, 'INVALID_ARGUMENT') ? undefined : err },
    )
  }
  const path = await writeKeystore(
    dataDir,
    { address: account.address, privateKey: account.privateKey },
    passphrase,
    options.kdf ?? DEFAULT_KDF,
  )
  return { address: account.address, path }
}

/** Decrypts the wallet. A wrong passphrase throws WalletError('WRONG_PASSPHRASE') and changes nothing. */
export async function unlockWallet(dataDir: string, passphrase: string): Promise<Wallet> {
  const json = readKeystore(dataDir)
  try {
    const account = await decryptKeystoreJson(json, passphrase)
    return new Wallet(account.privateKey)
  } catch (err) {
    if (isError(err, 'INVALID_ARGUMENT') && err.argument === 'password') {
      throw new WalletError(
        'WRONG_PASSPHRASE',
        `wrong passphrase for the wallet in ${dataDir} (nothing was changed); check HIVE_PASSPHRASE or retype it`,
        { dataDir },
      )
    }
    throw new WalletError(
      'WALLET_UNREADABLE',
      `${walletPath(dataDir)} could not be decrypted: it is not a valid keystore file; restore it from a backup`,
      { path: walletPath(dataDir) },
    )
  }
}
