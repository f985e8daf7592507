// `npm test`'s short testbed run (issue 13): `public`, `nat-easy` and `both-nat`, 5 jobs each
// (4 with k=1, 1 with k=2), on real namespaces, NAT routers and hive processes. Needs root and
// Linux namespaces: anywhere else it is reported as skipped with the reason, never as passed.
// It was opt-in until both-nat stopped losing jobs: in about one short run of five it lost 2-3 of
// its 5, because a NATed provider's first profile announcement carried no circuit address (its
// relay reservation came during its first DHT round, and the re-announcement waited for the
// round) and the requester spent pushes on the bootstrap, which serves no jobs.
import { expect } from 'chai'
import { runTestbed, testbedUnavailable } from '../../scripts/testbed/run.ts'
import type { ScenarioReport } from '../../scripts/testbed/report.ts'

describe('testbed (issue 13): real namespaces, NAT routers, hive processes', function () {
  let reports: ScenarioReport[] = []
  let failures: string[] = []
  const lines: string[] = []

  before(async function () {
    // root on Linux (CI is): it runs, installing nftables when missing. Anywhere it cannot (not
    // root, no namespaces, nftables not installable) it is reported skipped with the reason.
    // HIVE_TESTBED=0 leaves it out of a local run (it takes about 100-150 s).
    const why = process.env.HIVE_TESTBED === '0' ? 'HIVE_TESTBED=0 turned it off for this run' : testbedUnavailable()
    if (why !== undefined) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }
    ;({ reports, failures } = await runTestbed(['public', 'nat-easy', 'both-nat'], {
      jobs: 4,
      jobsK2: 1,
      keepLogs: false,
      emit: (l) => {
        lines.push(l)
        console.log(`      ${l}`)
      },
    }))
  })

  const report = (name: string): ScenarioReport => {
    const r = reports.find((x) => x.scenario === name)
    if (r === undefined) throw new Error(`scenario ${name} did not finish: ${failures.join('; ') || 'no report'}`)
    return r
  }
  const allPaidAndVerified = (r: ScenarioReport): void => {
    expect(r.lost, `${r.scenario}: lost jobs`).to.equal(0)
    expect(r.completed, `${r.scenario}: verified jobs`).to.equal(r.jobs + r.jobsK2)
    expect(r.paid, `${r.scenario}: jobs whose payment the provider holds`).to.equal(r.completed)
  }

  it('public: every job verified and paid by channel, over direct connections', function () {
    const r = report('public')
    allPaidAndVerified(r)
    expect(r.direct).to.equal(r.completed)
    expect(r.natProbeBlocked).to.equal(null)
  })

  it(
    'nat-easy: the NAT is real (probe blocked), NATed providers' + ' report private, every job verified and paid',
    function () {
      const r = report('nat-easy')
      expect(r.natProbeBlocked, 'a dial from the public side into the LAN must fail').to.equal(true)
      expect(r.providersReportPrivate, 'NATed providers report private on /v1/info').to.equal(true)
      allPaidAndVerified(r)
    },
  )

  it('both-nat: requester and providers behind two NATs, jobs cross relays, every job verified and paid', function () {
    const r = report('both-nat')
    expect(r.natProbeBlocked).to.equal(true)
    expect(r.providersReportPrivate).to.equal(true)
    expect(r.relayed, 'jobs between two NATed peers go over relays').to.be.greaterThan(0)
    allPaidAndVerified(r)
  })
})
