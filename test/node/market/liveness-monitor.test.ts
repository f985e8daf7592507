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
    expect(dead[0].heartbeats, 'what the verdict says it heard: nothing').to.equal(0)
    expect(dead[0].lastStage).to.equal(undefined)
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

  // issue 16's dead-providers run: 3-4 of ~37 kills were found by silence (7-9 s) instead of by
  // the closed socket (2.4 s), though the requester's connection was gone within 1 ms of each kill
  it('a heartbeat handled after the disconnect does not end the grace period', () => {
    const { monitor, dead, clock, connected } = harness()
    monitor.watch('j', 'p1')
    connected.delete('p1')
    monitor.disconnected('p1')
    // read from the socket before the kill, handled after the disconnect event
    clock.now += 100
    monitor.beat('j', 'p1')
    clock.now += 1_900
    monitor.sweep()
    expect(dead.map((d) => [d.provider, d.reason])).to.deep.equal([['p1', 'CONNECTION_LOST']])
    monitor.stop()
  })

  it('an award accepted after its provider disconnected: the grace starts at the first sweep', () => {
    const { monitor, dead, clock, connected } = harness()
    connected.delete('p1')
    // the disconnect event came first, while nothing of p1's was watched
    monitor.disconnected('p1')
    monitor.watch('j', 'p1')
    monitor.sweep()
    clock.now += 1_000
    expect(monitor.sweep(), 'within the grace').to.deep.equal([])
    clock.now += 1_000
    monitor.sweep()
    expect(dead.map((d) => [d.provider, d.reason])).to.deep.equal([['p1', 'CONNECTION_LOST']])
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

  it('adaptive silence: a provider whose heartbeats come 3 s apart is allowed 6 s, bounded by maxSilenceMs', () => {
    const { monitor, dead, clock } = harness()
    monitor.watch('j', 'p1')
    // a starved provider: heartbeats every 3 s (jitter, not death)
    for (let t = 0; t < 3; t++) {
      clock.now += 3_000
      monitor.beat('j', 'p1', t < 2 ? 'running' : 'sending')
    }
    clock.now += 5_000
    monitor.sweep()
    expect(dead, 'silent 5 s after 3 s gaps: still alive').to.deep.equal([])
    clock.now += 1_000
    monitor.sweep()
    expect(dead.map((d) => [d.provider, d.reason, d.silentForMs])).to.deep.equal([['p1', 'HEARTBEAT_SILENT', 6_000]])
    expect([dead[0].heartbeats, dead[0].lastStage], 'three heartbeats, the last one sending').to.deep.equal([
      3,
      'sending',
    ])
    expect(monitor.silenceLimit({ maxGapMs: 60_000 }), 'never beyond maxSilenceMs').to.equal(16_000)
    expect(monitor.silenceLimit({ maxGapMs: 0 })).to.equal(4_000)
    monitor.stop()
  })

  it("the requester's own stall is not held against a provider: a sweep 5 s late revokes nobody", () => {
    const clock = { now: 1_000_000 }
    const dead: DeathVerdict[] = []
    const monitor = new LivenessMonitor({
      // sweeps due every 250 ms, as in the node (the test sweeps by hand on its own clock)
      policy: { silenceMs: 4_000, reconnectGraceMs: 2_000, sweepMs: 250 },
      now: () => clock.now,
      isConnected: () => true,
      onDead: (v) => dead.push(v),
    })
    monitor.watch('j', 'p1')
    monitor.sweep()
    clock.now += 1_000
    monitor.beat('j', 'p1')
    clock.now += 250
    monitor.sweep()
    // our event loop blocked for 5 s: the provider's heartbeats wait unread in the socket
    clock.now += 5_000
    monitor.sweep()
    expect(dead).to.deep.equal([])
    // then it really goes silent: found once the silence limit passes on our own running clock
    for (let t = 0; t < 20 && dead.length === 0; t++) {
      clock.now += 250
      monitor.sweep()
    }
    expect(dead.map((d) => d.reason)).to.deep.equal(['HEARTBEAT_SILENT'])
    monitor.stop()
  })
})
