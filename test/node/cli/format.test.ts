import { expect } from 'chai'
import { formatBytes, formatDuration, formatRelative, hardwareTable, peersTable, providersTable, shortPeerId } from '../../../cli/format.ts'
import { sampleProfile } from '../api/fake-controller.ts'

describe('cli/format', () => {
  it('formats byte counts in binary units', () => {
    const cases: Array<[number, string]> = [
      [0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1536, '1.5 KiB'],
      [16 * 1024 ** 3, '16.0 GiB'], [512 * 1024 ** 2, '512 MiB'], [3 * 1024 ** 4, '3.0 TiB'],
    ]
    for (const [n, text] of cases) expect(formatBytes(n), String(n)).to.equal(text)
  })

  it('formats durations for people', () => {
    const cases: Array<[number, string]> = [
      [0, '0ms'], [999, '999ms'], [1234, '1.23s'], [15_500, '15.5s'], [60_000, '1m'], [90_000, '1m30s'], [3_660_000, '1h1m'],
    ]
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).to.equal(text)
    expect(formatRelative(10_000 + 300_000, 10_000)).to.equal('in 5m')
    expect(formatRelative(10_000, 70_000)).to.equal('1m ago')
  })

  it('shortens long peer ids but keeps both ends', () => {
    const id = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
    expect(shortPeerId(id)).to.equal('12D3KooWGz…LvKXtf')
    expect(shortPeerId('short')).to.equal('short')
  })

  it('renders providers as a table with one row per provider', () => {
    const now = 1_700_000_000_000
    const a = sampleProfile('12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { expiresAt: now + 3_600_000 })
    const b = sampleProfile('12D3KooWBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', { expiresAt: now + 60_000 })
    b.hardware.gpus = [{ vendor: 'nvidia', model: 'RTX 4090', vramMiB: 24_564 }]
    const text = providersTable([a, b], now)
    const lines = text.split('\n')
    expect(lines.filter((l) => l.includes('12D3KooW'))).to.have.length(2)
    expect(text).to.include('cores/threads').and.include('4/8').and.include('16.0 GiB').and.include('in 1h').and.include('in 1m')
    expect(text).to.include('nvidia RTX 4090 (24.0 GiB)')
    // no colour codes: tables are piped into files and logs
    expect(text).to.not.include('\u001b[')
  })

  it('renders peers and one machine\'s hardware', () => {
    const peers = peersTable([{ peerId: 'p1', addresses: ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2/ws'], rttMs: 2.4, protocols: [] }, { peerId: 'p2', addresses: [], protocols: [] }])
    expect(peers).to.include('2ms').and.include('/ip4/127.0.0.1/tcp/2/ws')
    expect(peers.split('\n').find((l) => l.includes('p2'))).to.include('-')
    const hw = hardwareTable({ ...sampleProfile('12D3KooWX') })
    expect(hw).to.include('Test CPU (x64, 3.2 GHz)').and.include('4 / 8').and.include('gpus').and.include('none').and.include('executor/wasm')
  })
})
