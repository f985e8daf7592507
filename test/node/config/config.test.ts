import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { isHiveError } from '../../../protocol/errors.ts'
import { CONFIG_FILE, DEFAULT_SETTINGS, dhtClientMode, initDataDir, loadConfig } from '../../../node/config.ts'
import { loadPeerKey } from '../../../node/p2p/identity.ts'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('node/config', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hive-config-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const writeFile = (settings: Record<string, unknown>): void =>
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(settings))

  describe('precedence: defaults < config.json < environment < flags', () => {
    // [file, env, flag, expected apiPort]
    const cases: Array<[number | undefined, string | undefined, unknown, number]> = [
      [undefined, undefined, undefined, 0],
      [1111, undefined, undefined, 1111],
      [undefined, '2222', undefined, 2222],
      [1111, '2222', undefined, 2222],
      [1111, undefined, 3333, 3333],
      [1111, '2222', '3333', 3333],
      [undefined, '2222', 3333, 3333],
    ]
    for (const [file, env, flag, expected] of cases) {
      it(`file=${file} env=${env} flag=${flag} -> ${expected}`, () => {
        if (file !== undefined) writeFile({ apiPort: file })
        const c = loadConfig({ dataDir: dir, env: { HIVE_API_PORT: env }, flags: { apiPort: flag } })
        expect(c.apiPort).to.equal(expected)
      })
    }

    it('layers different keys independently and keeps the rest at their defaults', () => {
      writeFile({ mdns: true, executors: ['wasm', 'docker'], prices: { wasm: '1' } })
      const c = loadConfig({
        dataDir: dir,
        env: {
          HIVE_BOOTSTRAP: `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}, /ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`,
          HIVE_PRICES: 'wasm=0.5,docker=2',
        },
        flags: { mdns: false, json: true, listen: ['/ip4/127.0.0.1/tcp/5000'] },
      })
      expect(c.mdns).to.equal(false)
      expect(c.executors).to.deep.equal(['wasm', 'docker'])
      expect(c.prices).to.deep.equal({ wasm: '0.5', docker: '2' })
      expect(c.bootstrap).to.have.length(2)
      expect(c.listen).to.deep.equal(['/ip4/127.0.0.1/tcp/5000'])
      expect(c.profileTtlMs).to.equal(DEFAULT_SETTINGS.profileTtlMs)
      expect(c.dataDir).to.equal(dir)
    })

    it('reads HIVE_ROLE (and HIVE_ROLES) and derives the DHT mode from the roles', () => {
      const requester = loadConfig({ dataDir: dir, env: { HIVE_ROLE: 'requester' } })
      expect(requester.roles).to.deep.equal(['requester'])
      expect(dhtClientMode(requester)).to.equal(true)
      expect(dhtClientMode(loadConfig({ dataDir: dir, env: { HIVE_ROLES: 'provider' } }))).to.equal(false)
      expect(
        dhtClientMode(loadConfig({ dataDir: dir, env: { HIVE_ROLE: 'requester', HIVE_DHT_MODE: 'server' } })),
      ).to.equal(false)
    })
  })

  describe('bad values name the key, the source, the value and the fix', () => {
    const cases: Array<[string, () => void, RegExp]> = [
      [
        'a non-numeric port in the environment',
        () => loadConfig({ dataDir: dir, env: { HIVE_API_PORT: 'abc' } }),
        /environment HIVE_API_PORT = "abc" is invalid: expected a TCP port/,
      ],
      [
        'a port out of range in a flag',
        () => loadConfig({ dataDir: dir, flags: { apiPort: 70000 } }),
        /flag --api-port = 70000 .*0 to 65535/,
      ],
      [
        'a bootstrap address without a peer id',
        () => loadConfig({ dataDir: dir, env: { HIVE_BOOTSTRAP: '/ip4/127.0.0.1/tcp/4001' } }),
        /HIVE_BOOTSTRAP .*has no peer id/,
      ],
      [
        'a malformed listen address',
        () => loadConfig({ dataDir: dir, flags: { listen: 'tcp://127.0.0.1:4001' } }),
        /flag --listen .*is not one \(example/,
      ],
      [
        'an unknown role',
        () => loadConfig({ dataDir: dir, env: { HIVE_ROLE: 'miner' } }),
        /HIVE_ROLE .*provider, requester/,
      ],
      [
        'a boolean that is not one',
        () => loadConfig({ dataDir: dir, env: { HIVE_MDNS: 'maybe' } }),
        /HIVE_MDNS = "maybe" .*true or false/,
      ],
      [
        'a TTL of 10 ms',
        () => loadConfig({ dataDir: dir, flags: { profileTtlMs: 10 } }),
        /--profile-ttl-ms = 10 .*from 1000/,
      ],
      [
        'a price that is not decimal',
        () => loadConfig({ dataDir: dir, env: { HIVE_PRICES: 'wasm=cheap' } }),
        /HIVE_PRICES .*decimal prices/,
      ],
      [
        'an executor with spaces',
        () => loadConfig({ dataDir: dir, env: { HIVE_EXECUTORS: 'my exec' } }),
        /"my exec" is not one/,
      ],
      ['a DHT mode typo', () => loadConfig({ dataDir: dir, env: { HIVE_DHT_MODE: 'sever' } }), /auto, server, client/],
      [
        'an unknown key in config.json',
        () => {
          writeFile({ apiport: 1 })
          loadConfig({ dataDir: dir })
        },
        /key "apiport" is not a setting\. Valid keys: listen/,
      ],
      [
        'a wrong type in config.json',
        () => {
          writeFile({ listen: 4001 })
          loadConfig({ dataDir: dir })
        },
        /config.json key "listen" = 4001 is invalid/,
      ],
      [
        'broken JSON in config.json',
        () => {
          writeFileSync(join(dir, CONFIG_FILE), '{ "listen": [')
          loadConfig({ dataDir: dir })
        },
        /not valid JSON/,
      ],
      [
        'a provider without executors',
        () => loadConfig({ dataDir: dir, env: { HIVE_EXECUTORS: '' }, flags: { executors: [] } }),
        /at least one executor/,
      ],
      [
        'a non-loopback API host',
        () => loadConfig({ dataDir: dir, env: { HIVE_API_HOST: '0.0.0.0' } }),
        /apiHost "0.0.0.0" would expose .*HIVE_ALLOW_REMOTE_API=true/,
      ],
    ]
    for (const [what, run, message] of cases) {
      it(`rejects ${what}`, () => {
        expect(run)
          .to.throw(message)
          .that.satisfies((e: unknown) => isHiveError(e) && e.name === 'UsageError')
      })
    }

    it('accepts a non-loopback API host only when forced', () => {
      expect(
        loadConfig({ dataDir: dir, env: { HIVE_API_HOST: '0.0.0.0', HIVE_ALLOW_REMOTE_API: 'true' } }).apiHost,
      ).to.equal('0.0.0.0')
    })
  })

  describe('initDataDir', () => {
    it('creates the dir, key, config and token with private modes, then changes nothing on a second run', async () => {
      const home = join(dir, 'node-a')
      const first = await initDataDir(home, { settings: { apiPort: 4555 } })
      expect(first.created.map((p) => p.slice(home.length))).to.deep.equal([
        '',
        '/peer-key',
        '/config.json',
        '/api-token',
      ])
      expect(statSync(home).mode & 0o777).to.equal(0o700)
      expect(statSync(join(home, 'peer-key')).mode & 0o777).to.equal(0o600)
      expect(statSync(join(home, 'api-token')).mode & 0o777).to.equal(0o600)
      expect(readFileSync(join(home, 'api-token'), 'utf8')).to.match(/^[0-9a-f]{64}\n$/)
      expect(loadConfig({ dataDir: home }).apiPort).to.equal(4555)

      const keyBefore = readFileSync(join(home, 'peer-key'))
      const tokenBefore = readFileSync(join(home, 'api-token'))
      const second = await initDataDir(home)
      expect(second.created).to.deep.equal([])
      expect(second.kept).to.have.length(4)
      expect(second.peerId).to.equal(first.peerId)
      expect(readFileSync(join(home, 'peer-key')).equals(keyBefore)).to.equal(true)
      expect(readFileSync(join(home, 'api-token')).equals(tokenBefore)).to.equal(true)
      expect((await loadPeerKey(home)).publicKey.toString()).to.be.a('string')
    })

    it('refuses a peer key that other users can read', async () => {
      await initDataDir(dir)
      chmodSync(join(dir, 'peer-key'), 0o644)
      try {
        await loadPeerKey(dir)
        expect.fail('loaded a world-readable key')
      } catch (err) {
        expect(isHiveError(err, 'KEY_FILE_PERMISSIONS')).to.equal(true)
        expect((err as Error).message).to.include('chmod 600')
      }
    })

    it('refuses a garbage key file and an invalid existing config', async () => {
      writeFileSync(join(dir, 'peer-key'), 'not a key', { mode: 0o600 })
      try {
        await loadPeerKey(dir)
        expect.fail('loaded garbage')
      } catch (err) {
        expect(isHiveError(err, 'KEY_FILE_INVALID')).to.equal(true)
      }
      const other = join(dir, 'b')
      await initDataDir(other)
      writeFileSync(join(other, CONFIG_FILE), JSON.stringify({ apiPort: 'x' }))
      try {
        await initDataDir(other)
        expect.fail('accepted a bad config')
      } catch (err) {
        expect(isHiveError(err, 'CONFIG_INVALID')).to.equal(true)
      }
    })
  })
})
