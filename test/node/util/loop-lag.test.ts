import { expect } from 'chai'
import { LagGate, LoopLagMonitor } from '../../../node/util/loop-lag.ts'
import { waitFor } from '../../support/wait.ts'

/** blocks this thread `ms` out of every `everyMs`: a process that cannot keep up */
function lagEvery(ms: number, everyMs: number): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + ms
    while (performance.now() < end) {
      /* busy */
    }
  }, everyMs)
  return () => clearInterval(timer)
}

describe('node/util/loop-lag', () => {
  describe('LagGate (pure)', () => {
    it('turns overloaded only after two seconds above the limit: one pause is not overload', () => {
      const gate = new LagGate(200)
      gate.observe(900)
      expect(gate.overloaded).to.equal(false)
      gate.observe(10)
      gate.observe(900)
      expect(gate.overloaded, 'the run of seconds above restarts after one below').to.equal(false)
      gate.observe(201)
      expect(gate.overloaded).to.equal(true)
      expect(gate.lastP99Ms).to.equal(201)
    })

    it('stays overloaded until a second below half the limit (no flapping at the edge)', () => {
      const gate = new LagGate(200)
      gate.observe(300)
      gate.observe(300)
      gate.observe(150)
      expect(gate.overloaded, 'below the limit but above half').to.equal(true)
      gate.observe(200)
      expect(gate.overloaded).to.equal(true)
      gate.observe(99)
      expect(gate.overloaded).to.equal(false)
    })

    it('refuses a limit that is not positive', () => {
      expect(() => new LagGate(0)).to.throw(RangeError)
    })
  })

  describe('LoopLagMonitor (the process histogram)', function () {
    this.timeout(30_000)
    it('sees a lagging loop as overloaded and a caught-up one as not', async () => {
      const monitor = new LoopLagMonitor(150)
      const other = new LoopLagMonitor(5_000)
      expect(monitor.overloaded(), 'before start').to.equal(false)
      monitor.start()
      other.start()
      const stopLag = lagEvery(350, 450)
      try {
        await waitFor(() => monitor.overloaded(), { what: 'overloaded under lag', timeoutMs: 15_000 })
        expect(monitor.lastP99Ms()).to.be.greaterThan(150)
        expect(other.overloaded(), 'a higher limit on the same histogram').to.equal(false)
      } finally {
        stopLag()
      }
      await waitFor(() => !monitor.overloaded(), { what: 'caught up', timeoutMs: 15_000 })
      expect(monitor.lastP99Ms()).to.be.lessThan(75)
      monitor.stop()
      other.stop()
      expect(monitor.overloaded(), 'after stop').to.equal(false)
    })
  })
})
