// node/log: the component logger keeps @libp2p/logger's interface and formats like it; with a
// sink installed, lines below the sink's level are not formatted at all; the rotating file
// rotates by size and keeps N files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { expect } from 'chai'
import { formatLine, logger, setLogSink } from '../../../node/log/logger.ts'
import { RotatingFile } from '../../../node/log/rotating-file.ts'
import { setupLogging } from '../../../node/log/setup.ts'
import { DEMO_LOG } from '../../../cli/devnet/demo.ts'
import type { LogLevel } from '../../../node/log/logger.ts'

describe('node/log', () => {
  afterEach(() => setLogSink(undefined))

  it('formats %s %d %o %e and extra arguments as debug does', () => {
    const err = new Error('boom')
    expect(formatLine('a %s b %d c %o', ['x', 3, { k: 1 }])).to.equal('a x b 3 c { k: 1 }')
    expect(formatLine('failed: %e', [err])).to.include('failed: Error: boom')
    expect(formatLine('100%% sure', [])).to.equal('100% sure')
    expect(formatLine('left %s', ['a', 'b'])).to.equal('left a b')
  })

  it('sends lines to the sink by level, and formats none below the sink’s level', () => {
    const got: Array<[LogLevel, string, string]> = []
    setLogSink(
      (level, component, message) => got.push([level, component, message]),
      (level) => level !== 'trace',
    )
    const log = logger('hive:test')
    let formatted = 0
    const costly = {
      toString: () => {
        formatted++
        return 'costly'
      },
    }
    log('plain %s', 'x')
    log.error('bad %s', 'y')
    log.trace('detail %s', costly)
    expect(got).to.deep.equal([
      ['debug', 'hive:test', 'plain x'],
      ['error', 'hive:test', 'bad y'],
    ])
    expect(formatted, 'a trace line below the level was formatted').to.equal(0)
  })

  it('rotates the file by size, keeping N old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-rotate-'))
    try {
      const file = new RotatingFile({ path: join(dir, 'logs', 'hive.log'), maxBytes: 100, keep: 2 })
      const line = Buffer.from('x'.repeat(39) + '\n')
      for (let i = 0; i < 20; i++) file.writeNow(line)
      expect(readdirSync(join(dir, 'logs')).sort()).to.deep.equal(['hive.log', 'hive.log.1', 'hive.log.2'])
      for (const f of readdirSync(join(dir, 'logs'))) {
        expect(statSync(join(dir, 'logs', f)).size).to.be.at.most(100)
        expect(statSync(join(dir, 'logs', f)).mode & 0o777).to.equal(0o600)
      }
      expect(readFileSync(join(dir, 'logs', 'hive.log'), 'utf8')).to.equal(line.toString().repeat(2))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("the demo's logging: its own file, nothing on the console unless asked, secrets' fields redacted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-demo-log-'))
    let consoleText = ''
    const console = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        consoleText += chunk.toString()
        done()
      },
    })
    try {
      const logging = await setupLogging({
        dataDir: dir,
        file: join('logs', DEMO_LOG),
        level: 'debug',
        consoleLevel: 'silent',
        console,
      })
      logging.bind({ process: 'demo' })
      logger('hive:demo-test')('step %s done', 'chain')
      logging.pino.info({ passphrase: 'hunter2', nested: { token: 'abc' } }, 'unlocked')
      await logging.close()
      const lines = readFileSync(join(dir, 'logs', DEMO_LOG), 'utf8')
        .trim()
        .split('\n')
      expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(['step chain done', 'unlocked'])
      expect(JSON.parse(lines[0])).to.include({ component: 'hive:demo-test', process: 'demo' })
      expect(lines.join('\n')).to.not.include('hunter2').and.not.include('abc')
      expect(consoleText).to.equal('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
