import { expect } from 'chai'
import {
  formatBytes,
  formatDuration,
  formatRelative,
  hardwareTable,
  hiveAmount,
  peersTable,
  providersTable,
  roundTokenAmount,
  shortPeerId,
} from '../../../cli/format.ts'
import { sampleProfile } from '../api/fake-controller.ts'

describe('cli/format', () => {
  it('formats byte counts in binary units', () => {
    const cases: Array<[number, string]> = [
      [0, '0 B'],
      [1023, '1023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [16 * 1024 ** 3, '16.0 GiB'],
      [512 * 1024 ** 2, '512 MiB'],
      [3 * 1024 ** 4, '3.0 TiB'],
    ]
    for (const [n, text] of cases) expect(formatBytes(n), String(n)).to.equal(text)
  })

  it('formats durations for people', () => {
    const cases: Array<[number, string]> = [
      [0, '0ms'],
      [999, '999ms'],
      [1234, '1.23s'],
      [15_500, '15.5s'],
      [60_000, '1m'],
      [90_000, '1m30s'],
      [3_660_000, '1h1m'],
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
    expect(text)
      .to.include('cores/threads')
      .and.include('4/8')
      .and.include('16.0 GiB')
      .and.include('in 1h')
      .and.include('in 1m')
    expect(text).to.include('nvidia RTX 4090 (24.0 GiB)')
    // no colour codes: tables are piped into files and logs
    expect(text).to.not.include('\u001b[')
  })

  it("renders peers and one machine's hardware", () => {
    const peers = peersTable([
      { peerId: 'p1', addresses: ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2/ws'], rttMs: 2.4, protocols: [] },
      { peerId: 'p2', addresses: [], protocols: [] },
    ])
    expect(peers).to.include('2ms').and.include('/ip4/127.0.0.1/tcp/2/ws')
    expect(peers.split('\n').find((l) => l.includes('p2'))).to.include('-')
    const hw = hardwareTable({ ...sampleProfile('12D3KooWX') })
    expect(hw)
      .to.include('Test CPU (x64, 3.2 GHz)')
      .and.include('4 / 8')
      .and.include('gpus')
      .and.include('none')
      .and.include('executor/wasm')
  })
})

describe('cli/format: HIVE amounts rounded for people', () => {
  const E18 = 10n ** 18n
  const cases: Array<[bigint, string]> = [
    [0n, '0'],
    [9584704567898396n, '0.00958'], // the price a user saw as 0.009584704567898396
    [E18 + E18 / 2n, '1.5'],
    [1234567800000000000n, '1.23'],
    [12345678000000000000n, '12.3'],
    [123456780000000000000n, '123'],
    [1234567800000000000000n, '1235'], // the whole part is never rounded away
    [30_000_000n * E18, '30000000'],
    [999_600_000_000_000_000n, '1'], // rounding up carries
    [9996n * 10n ** 12n, '0.01'],
    [1_234_567n * 10n ** 6n, '0.000001'], // 0.0000012345…: at most 6 decimals
    [10n ** 12n, '0.000001'],
    [10n ** 12n - 1n, '<0.000001'], // never 0 for a non-zero amount
    [1n, '<0.000001'],
    [-9584704567898396n, '-0.00958'],
  ]
  for (const [units, text] of cases) {
    it(`${units} base units -> ${text}`, () => {
      expect(roundTokenAmount(units)).to.equal(text)
    })
  }

  it('hiveAmount() adds the unit and takes the decimal strings the API returns', () => {
    expect(hiveAmount('9584704567898396')).to.equal('0.00958 HIVE')
    expect(hiveAmount(2n * E18)).to.equal('2 HIVE')
  })
})
