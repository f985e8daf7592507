// `hive node status` as people read it (cli/commands/node-status.ts): the data-dir and clock lines
// that say why a node refuses work or sees every job as expired (issue 16). Pure: NodeInfo in,
// text out; the live values behind them are tested in test/node/store and test/node/p2p/clock-sync.
import { expect } from 'chai'
import { reachStatusText } from '../../../cli/commands/node-status.ts'
import type { NodeInfo } from '../../../node/controller.ts'

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0)

function info(extra: Partial<NodeInfo>): NodeInfo {
  return {
    peerId: '12D3KooWStatus',
    addresses: [],
    dataDir: 'data',
    version: '0.1.0',
    roles: ['provider'],
    startedAt: NOW - 60_000,
    reach: {
      status: 'unknown',
      mode: 'auto',
      since: NOW - 30_000,
      checkedAt: NOW - 1_000,
      addresses: [],
      confirmed: [],
      relays: [],
      dhtMode: 'client',
      connections: { relayed: 0, upgradedToDirect: 0 },
    },
    ...extra,
  }
}

const line = (text: string, head: string): string | undefined => text.split('\n').find((l) => l.startsWith(head))

describe('cli node status: data dir and clock lines', () => {
  it('a writable data dir, and the writes that failed earlier when there were some', () => {
    expect(line(reachStatusText(info({ store: { ok: true, failedWrites: 0 } }), NOW), 'data dir')).to.equal(
      'data dir      writable',
    )
    expect(line(reachStatusText(info({ store: { ok: true, failedWrites: 3 } }), NOW), 'data dir')).to.equal(
      'data dir      writable (3 write(s) failed earlier)',
    )
  })

  it('a failing data dir: since when, LevelDB’s message, and what to do', () => {
    const text = reachStatusText(
      info({
        store: {
          ok: false,
          code: 'LEVEL_IO_ERROR',
          message: 'IO error: No space left on device',
          since: NOW - 90_000,
          failedWrites: 2,
        },
      }),
      NOW,
    )
    expect(line(text, 'data dir')).to.equal(
      'data dir      FAILING since 2026-12-06T11:58:30Z (90 s ago): IO error: No space left on device',
    )
    expect(text).to.include('  the node takes no new work until it can write again: free space on the disk')
  })

  it('the clock: as given, agreeing with its peers, corrected, and corrected at the cap', () => {
    const clock = (c: Partial<NonNullable<NodeInfo['clock']>>): string | undefined =>
      line(
        reachStatusText(
          info({ clock: { offsetMs: 0, medianMs: 0, peers: 0, capped: false, adjusting: true, ...c } }),
          NOW,
        ),
        'clock',
      )
    expect(clock({ adjusting: false })).to.equal('clock         as given to the node (not corrected)')
    expect(clock({ peers: 5 })).to.equal('clock         agrees with 5 peer(s)')
    expect(clock({ offsetMs: -120_000, medianMs: -120_000, peers: 4 })).to.equal(
      'clock         corrected by -120000 ms (median of 4 peers); fix the system clock (NTP)',
    )
    expect(clock({ offsetMs: 180_000, medianMs: 600_000, peers: 4, capped: true })).to.equal(
      'clock         corrected by 180000 ms (median of 4 peers), the most it corrects: the system clock is further' +
        ' off; fix the system clock (NTP)',
    )
  })

  it('an older node that reports neither prints neither line', () => {
    const text = reachStatusText(info({}), NOW)
    expect(line(text, 'data dir')).to.equal(undefined)
    expect(line(text, 'clock')).to.equal(undefined)
  })
})
