// The testbed's pure parts: the address plan (AutoNAT needs ≥ 8 first octets on the public side,
// no private range there, no address twice), the NAT and loss rulesets, and how a scenario's
// jobs count as paid from what the providers hold.
import { expect } from 'chai'
import {
  HELPER_COUNT,
  combine,
  lossRuleset,
  makeCorePlan,
  makeScenarioPlan,
  natRuleset,
} from '../../scripts/testbed/plan.ts'
import { paidJobs, p50 } from '../../scripts/testbed/report.ts'
import type { JobOutcome } from '../../scripts/testbed/jobs.ts'
import { primesUpTo } from '../../scripts/testbed/jobs.ts'

const isPrivate = (a: string): boolean =>
  /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/.test(a)

describe('testbed plan (issue 13)', () => {
  const core = makeCorePlan('abc123', 4242)

  it('spreads the AutoNAT helpers over 8 first octets, all public, one address per host', () => {
    const helpers = core.hosts.filter((h) => h.role === 'helper')
    expect(helpers).to.have.length(HELPER_COUNT)
    expect(new Set(helpers.map((h) => h.addr.split('.')[0])).size).to.be.at.least(8)
    for (const s of ['public', 'nat-easy', 'nat-hard', 'both-nat', 'upnp', 'lossy'] as const) {
      const plan = combine(core, makeScenarioPlan(core, s, 1))
      const addrs = plan.hosts.map((h) => h.addr)
      expect(new Set(addrs).size, s).to.equal(addrs.length)
      for (const h of plan.hosts) expect(isPrivate(h.addr), `${s} ${h.name} ${h.addr}`).to.equal(h.nat !== undefined)
      expect(new Set(plan.hosts.map((h) => h.ns)).size).to.equal(plan.hosts.length)
      for (const h of plan.hosts) expect(h.ns.startsWith('hb-abc123-')).to.equal(true)
    }
  })

  it('puts the providers behind a NAT in the NAT scenarios, and the requester too in both-nat', () => {
    const behind = (s: Parameters<typeof makeScenarioPlan>[1]): string[] =>
      makeScenarioPlan(core, s, 0)
        .hosts.filter((h) => h.nat !== undefined)
        .map((h) => h.name)
    expect(behind('public')).to.deep.equal([])
    expect(behind('nat-easy')).to.deep.equal(['provider-1', 'provider-2', 'provider-3'])
    expect(behind('both-nat')).to.deep.equal(['requester', 'provider-1', 'provider-2', 'provider-3'])
    const both = makeScenarioPlan(core, 'both-nat', 0)
    expect(both.hosts.find((h) => h.name === 'requester')!.nat).to.not.equal(
      both.hosts.find((h) => h.name === 'provider-1')!.nat,
    )
  })

  it(
    'NAT routers drop inbound by default and accept only replies;' + ' nat-hard randomises ports; loss only when asked',
    () => {
      const easy = natRuleset(makeScenarioPlan(core, 'nat-easy', 0).nats[0])
      expect(easy).to.match(/policy drop;/)
      expect(easy).to.include('ct state established,related accept')
      expect(easy).to.match(/oifname "wan" masquerade\n/)
      expect(easy).to.not.include('dnat')
      expect(natRuleset(makeScenarioPlan(core, 'nat-hard', 0).nats[0])).to.include('masquerade random,fully-random')
      expect(natRuleset(makeScenarioPlan(core, 'upnp', 0).nats[0])).to.include('ct status dnat accept')
      expect(lossRuleset(0)).to.equal('')
      expect(lossRuleset(2)).to.include('numgen random mod 100 < 2 drop')
    },
  )
})

describe('testbed report (issue 13)', () => {
  const job = (n: number, winners: Array<[string, bigint, number]>): JobOutcome => ({
    n,
    k: winners.length,
    completed: true,
    verified: true,
    paths: winners.map(() => 'direct'),
    winners: winners.map(([provider, price, paidAt]) => ({ provider, price: price.toString(), paidAt })),
  })

  it('counts a job paid only when each of its providers holds vouchers covering it, in payment order', () => {
    const jobs = [
      job(0, [['A', 10n, 1]]),
      job(1, [['A', 10n, 2]]),
      job(2, [
        ['A', 5n, 3],
        ['B', 5n, 3],
      ]),
    ]
    expect(paidJobs(jobs, { A: 25n, B: 5n })).to.equal(3)
    expect(paidJobs(jobs, { A: 20n, B: 5n })).to.equal(2) // A's last 5 is missing: the k=2 job is not paid
    expect(paidJobs(jobs, { A: 25n, B: 0n })).to.equal(2)
    expect(paidJobs(jobs, {})).to.equal(0)
    expect(paidJobs([{ ...job(3, [['A', 1n, 1]]), verified: false }], { A: 10n })).to.equal(0)
  })

  it('p50 and the primes reference the output is checked against', () => {
    expect(p50([])).to.equal(null)
    expect(p50([5, 1, 3])).to.equal(3)
    expect(primesUpTo(10)).to.equal(4)
    expect(primesUpTo(10_000)).to.equal(1229)
  })
})
