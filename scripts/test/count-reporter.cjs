// Mocha reporter: the spec reporter's output, plus the run's counts and each test file's duration
// written as JSON to the file named by HIVE_TEST_COUNTS so that scripts/test/run.ts can sum them
// over suites and name the slowest files.
const { relative } = require('node:path')
const { writeFileSync } = require('node:fs')
const Mocha = require('mocha')

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_PENDING, EVENT_TEST_END, EVENT_TEST_FAIL, EVENT_HOOK_END } =
  Mocha.Runner.constants

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    let pending = 0
    runner.on(EVENT_TEST_PENDING, () => {
      pending++
    })
    // Every moment of the run belongs to the test or hook that ends next: the time since the
    // previous end is added to that runnable's file. Hooks count (a file's shared chain or node set
    // is started in a `before`); a file's top-level code, run while mocha loads it, does not.
    const files = {}
    let last = Date.now()
    const charge = (runnable) => {
      const now = Date.now()
      const file = runnable.file ?? runnable.parent?.file
      const key = file ? relative(process.cwd(), file) : '(root hooks)'
      files[key] = (files[key] ?? 0) + (now - last)
      last = now
    }
    runner.on(EVENT_RUN_BEGIN, () => {
      last = Date.now()
    })
    runner.on(EVENT_TEST_END, charge)
    runner.on(EVENT_HOOK_END, charge)
    // a failing hook ends without EVENT_HOOK_END
    // and the failures' titles and first error line, for the run's summary (a CI log's tail)
    const failed = []
    runner.on(EVENT_TEST_FAIL, (r, err) => {
      if (r.type === 'hook') charge(r)
      const file = r.file ?? r.parent?.file
      const firstLine = String(err?.message ?? err)
        .split('\n')[0]
        .slice(0, 300)
      failed.push({ title: r.fullTitle(), file: file ? relative(process.cwd(), file) : '', error: firstLine })
    })
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.HIVE_TEST_COUNTS
      if (!out) return
      const s = runner.stats ?? {}
      writeFileSync(
        out,
        JSON.stringify({ passed: s.passes ?? 0, failed: s.failures ?? 0, skipped: pending, files, failures: failed }),
      )
    })
  }
}

module.exports = CountReporter
