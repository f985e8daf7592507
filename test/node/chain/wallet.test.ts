// The keystore: create, import, unlock; a wrong passphrase is refused clearly and changes nothing.
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Wallet } from 'ethers'
import {
  DEVNET_KDF,
  createWallet,
  importWallet,
  readWalletAddress,
  unlockWallet,
  walletPath,
} from '../../../node/chain/wallet.ts'
import { readPassphrase } from '../../../node/chain/passphrase.ts'
import { HiveError } from '../../../protocol/errors.ts'

const PASS = 'correct horse battery'

async function rejects(p: Promise<unknown>): Promise<HiveError> {
  try {
    await p
  } catch (err) {
    expect(err).to.be.instanceOf(HiveError)
    return err as HiveError
  }
  throw new Error('expected a rejection')
}

describe('node/chain wallet keystore', function () {
  this.timeout(20_000)
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hive-wallet-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates an encrypted keystore (mode 0600) that unlocks to the same address', async () => {
    const { address, path } = await createWallet(dir, PASS, { kdf: DEVNET_KDF })
    expect(path).to.equal(walletPath(dir))
    expect(statSync(path).mode & 0o777).to.equal(0o600)
    const text = readFileSync(path, 'utf8')
    const json = JSON.parse(text) as { Crypto?: { kdf: string; kdfparams: { n: number } } }
    expect(json.Crypto?.kdf).to.equal('scrypt')
    expect(json.Crypto?.kdfparams.n).to.equal(DEVNET_KDF.N)
    expect(readWalletAddress(dir)).to.equal(address)
    const wallet = await unlockWallet(dir, PASS)
    expect(wallet.address).to.equal(address)
    // the key is not in the file in clear
    expect(text.toLowerCase()).to.not.include(wallet.privateKey.slice(2).toLowerCase())
  })

  it('imports a private key, and refuses to overwrite an existing wallet', async () => {
    const key = Wallet.createRandom().privateKey
    const { address } = await importWallet(dir, key.slice(2) + '\n', PASS, { kdf: DEVNET_KDF })
    expect(address).to.equal(new Wallet(key).address)
    const before = readFileSync(walletPath(dir), 'utf8')
    const err = await rejects(createWallet(dir, PASS, { kdf: DEVNET_KDF }))
    expect(err.code).to.equal('WALLET_EXISTS')
    expect(readFileSync(walletPath(dir), 'utf8')).to.equal(before)
  })

  it('a wrong passphrase gives WRONG_PASSPHRASE and changes nothing', async () => {
    const { address } = await createWallet(dir, PASS, { kdf: DEVNET_KDF })
    const before = readFileSync(walletPath(dir))
    const mtime = statSync(walletPath(dir)).mtimeMs
    const err = await rejects(unlockWallet(dir, 'not the passphrase'))
    expect(err.code).to.equal('WRONG_PASSPHRASE')
    expect(err.message).to.match(/wrong passphrase.*nothing was changed/)
    expect(JSON.stringify(err.details)).to.not.include('not the passphrase')
    expect(readFileSync(walletPath(dir)).equals(before)).to.equal(true)
    expect(statSync(walletPath(dir)).mtimeMs).to.equal(mtime)
    expect((await unlockWallet(dir, PASS)).address).to.equal(address)
  })

  it('refuses bad keys without echoing them, weak passphrases, and a readable keystore', async () => {
    const bad = await rejects(importWallet(dir, '0x1234deadbeef', PASS, { kdf: DEVNET_KDF }))
    expect(bad.code).to.equal('BAD_PRIVATE_KEY')
    expect(bad.message).to.not.include('1234deadbeef')
    expect((await rejects(createWallet(dir, 'short', { kdf: DEVNET_KDF }))).code).to.equal('WEAK_PASSPHRASE')
    expect((await rejects(unlockWallet(dir, PASS))).code).to.equal('NO_WALLET')
    await createWallet(dir, PASS, { kdf: DEVNET_KDF })
    chmodSync(walletPath(dir), 0o644)
    let err: unknown
    try {
      readWalletAddress(dir)
    } catch (e) {
      err = e
    }
    expect((err as HiveError).code).to.equal('KEY_FILE_PERMISSIONS')
  })

  it('a corrupt keystore is reported as unreadable, not as a wrong passphrase', async () => {
    writeFileSync(walletPath(dir), '{"address":"0000000000000000000000000000000000000001","Crypto":{}}', {
      mode: 0o600,
    })
    expect((await rejects(unlockWallet(dir, PASS))).code).to.equal('WALLET_UNREADABLE')
  })

  it('takes the passphrase from HIVE_PASSPHRASE, and refuses without it when not on a terminal', async () => {
    expect(await readPassphrase({ env: { HIVE_PASSPHRASE: 'from env!' } })).to.equal('from env!')
    const pipe = { isTTY: false } as unknown as NodeJS.ReadStream
    const err = await rejects(readPassphrase({ env: { HIVE_PASSPHRASE: '' }, input: pipe }))
    expect(err.code).to.equal('PASSPHRASE_REQUIRED')
    expect(err.message).to.include('HIVE_PASSPHRASE')
  })
})
