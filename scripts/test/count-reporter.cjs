// Mocha reporter: the spec reporter's output, plus the run's counts written as JSON to the
// file named by HIVE_TEST_COUNTS so that scripts/test/run.ts can sum them over suites.
const { writeFileSync } = require('node:fs')
const Mocha = require('mocha')

const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    let pending = 0
    runner.on(EVENT_TEST_PENDING, () => {
      pending++
    })
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.HIVE_TEST_COUNTS
      if (!out) return
      const s = runner.stats ?? {}
      writeFileSync(out, JSON.stringify({ passed: s.passes ?? 0, failed: s.failures ?? 0, skipped: pending }))
    })
  }
}

module.exports = CountReporter
