// Issue 16: the requester's LivenessMonitor on a fake clock: silence, a lost connection past its
// grace period, a reconnect within it, and results or revocations that end the watch.
import { expect } from 'chai'
import { LivenessMonitor } from '../../../node/market/liveness.ts'
import type { DeathVerdict } from '../../../node/market/liveness.ts'

function harness(): { monitor: LivenessMonitor; dead: DeathVerdict[]; clock: { now: number }; connected: Set<string> } {
  const clock = { now: 1_000_000 }
  const dead: DeathVerdict[] = []
  const connected = new Set<string>(['p1', 'p2'])
  const monitor = new LivenessMonitor({
    policy: { silenceMs: 4_000, reconnectGraceMs: 2_000, sweepMs: 60_000 },
    now: () => clock.now,
    isConnected: (p) => connected.has(p),
    onDead: (v) => dead.push(v),
  })
  return { monitor, dead, clock, connected }
}

describe('node/market/liveness: LivenessMonitor (issue 16)', () => {
  it('a provider that keeps beating lives; one silent for the limit is dead, once', () => {
    const { monitor, dead, clock } = harness()
    monitor.watch('j', 'p1')
    monitor.watch('j', 'p2')
    for (let t = 0; t < 10; t++) {
      clock.now += 1_000
      monitor.beat('j', 'p1')
      monitor.sweep()
    }
    expect(dead.map((d) => [d.provider, d.reason])).to.deep.equal([['p2', 'HEARTBEAT_SILENT']])
    expect(dead[0].silentForMs).to.equal(4_000)
    monitor.sweep()
    expect(dead).to.have.length(1)
    monitor.stop()
  })

  it('a lost connection is dead after the grace period; a reconnect with a heartbeat within it is not', () => {
    const { monitor, dead, clock, connected } = harness()
    monitor.watch('j', 'p1')
    monitor.watch('j', 'p2')
    connected.delete('p1')
    connected.delete('p2')
    monitor.disconnected('p1')
    monitor.disconnected('p2')
    clock.now += 1_000
    connected.add('p2')
    monitor.beat('j', 'p2')
    clock.now += 1_000
    monitor.sweep()
    expect(dead.map((d) => [d.provider, d.reason, d.silentForMs])).to.deep.equal([['p1', 'CONNECTION_LOST', 2_000]])
    clock.now += 1_500
    expect(monitor.sweep()).to.deep.equal([])
    monitor.stop()
  })

  it('an award with a result (or a finished job) is no longer watched', () => {
    const { monitor, dead, clock } = harness()
    monitor.watch('j', 'p1')
    monitor.watch('k', 'p1')
    monitor.watch('k', 'p2')
    monitor.unwatch('j', 'p1')
    monitor.unwatch('k')
    expect(monitor.size).to.equal(0)
    clock.now += 60_000
    expect(monitor.sweep()).to.deep.equal([])
    expect(dead).to.deep.equal([])
  })
})
