// Provider: the jobs this node bid on and ran (its audit log's history, then live from its
// events: provider-runs.ts), what it earned (vouchers held in its
// channels and escrows released to it, sampled into a chart while the page is open), its stake,
// and its own list price against the prices jobs actually cleared at.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { recent } from '../events.ts'
import type { NodeEvent } from '../events.ts'
import { useEvents, useLoad } from '../hooks.ts'
import { hive, hiveNumber, short, time } from '../format.ts'
import { LineChart } from '../chart.tsx'
import { Facts, Mono, Pending, Section, Table } from '../parts.tsx'
import { isDone, lastAcceptedPrice, mergeRuns, runsFromAudit } from './provider-runs.ts'
import type { RunView } from './provider-runs.ts'

type ProviderEvent = Extract<NodeEvent, { type: `provider:${string}` }>

/** the audit log entries the job history is read from (its newest) */
const HISTORY_ENTRIES = 1000

function runs(events: NodeEvent[]): RunView[] {
  const byJob = new Map<string, RunView>()
  for (const e of events) {
    if (!e.type.startsWith('provider:')) continue
    const p = e as ProviderEvent
    const r = byJob.get(p.jobId) ?? { jobId: p.jobId, requester: '', state: 'bid', at: p.at }
    if (p.type === 'provider:bid' || p.type === 'provider:accepted') {
      r.requester = p.requester
      r.price = p.price
    }
    r.state = p.type.slice('provider:'.length)
    if (p.type === 'provider:completed') {
      r.state = p.status === 'EXEC_OK' ? 'done' : p.status
      r.wallMs = p.wallMs
    }
    r.at = p.at
    byJob.set(p.jobId, r)
  }
  return [...byJob.values()].reverse()
}

/** What this node has earned so far: vouchers it holds plus escrows released or claimed to it. */
export function earned(
  channels: { channels: Array<{ role: string; cumulativeAmount: string }> } | undefined,
  escrows: { escrows: Array<{ role: string; state: string; amount: string }> } | undefined,
): bigint {
  let sum = 0n
  for (const c of channels?.channels ?? []) if (c.role === 'provider') sum += BigInt(c.cumulativeAmount)
  for (const e of escrows?.escrows ?? [])
    if (e.role === 'provider' && (e.state === 'released' || e.state === 'claimed')) sum += BigInt(e.amount)
  return sum
}

const payEvent = (e: NodeEvent): boolean => e.type === 'provider:completed' || e.type === 'provider:accepted'

export function Provider() {
  useEvents((e) => e.type.startsWith('provider:'))
  const hw = useLoad(api.hardware)
  const channels = useLoad(api.channels, { when: payEvent, everyMs: 5000 })
  const escrows = useLoad(api.escrows, { when: payEvent, everyMs: 5000 })
  const stake = useLoad(api.stake, { everyMs: 15_000 })
  const wallet = useLoad(api.wallet, { when: payEvent, everyMs: 5000 })
  const history = useLoad(() => api.auditEntries(HISTORY_ENTRIES))
  const [samples, setSamples] = useState<Array<[number, number]>>([])
  const total =
    channels.data !== undefined || escrows.data !== undefined ? earned(channels.data, escrows.data) : undefined
  // history first: each escrow released to this node, cumulatively (vouchers carry no time)
  useEffect(() => {
    if (escrows.data === undefined || samples.length > 0) return
    let sum = 0n
    const paid = escrows.data.escrows
      .filter((e) => e.role === 'provider' && (e.state === 'released' || e.state === 'claimed'))
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .map((e): [number, number] => {
        sum += BigInt(e.amount)
        return [e.updatedAt / 1000, hiveNumber(sum)]
      })
    if (paid.length > 0) setSamples(paid)
  }, [escrows.data])
  useEffect(() => {
    if (total === undefined) return
    setSamples((s) => {
      const v = hiveNumber(total)
      if (s.length > 0 && s[s.length - 1][1] === v) return s
      return [...s.slice(-199), [Date.now() / 1000, v]]
    })
  }, [total?.toString()])
  const jobs = mergeRuns(runsFromAudit(history.data?.entries ?? []), runs(recent))
  const cleared = lastAcceptedPrice(jobs)
  const own = hw.data?.prices?.wasm
  return (
    <>
      <Section title="Jobs">
        <Facts
          items={[
            // the log records an acceptance and a result sent, not a run that ended without one
            ['Accepted, no result yet', String(jobs.filter((j) => j.state === 'accepted').length)],
            [
              'Done',
              <span key="d" data-testid="jobs-done">
                {String(jobs.filter(isDone).length)}
              </span>,
            ],
            ['Bid, not awarded', String(jobs.filter((j) => j.state === 'bid').length)],
          ]}
        />
        <Table
          caption={`Jobs this node bid on: its audit log's last ${HISTORY_ENTRIES} entries, then live`}
          head={['Job', 'Requester', 'Price', 'State', 'Wall time', 'At']}
          empty="No jobs yet: this node bids on jobs it can run"
          rows={jobs.map((j) => [
            <Mono key="j" title={j.jobId}>
              {short(j.jobId)}
            </Mono>,
            <Mono key="r">{short(j.requester, 14)}</Mono>,
            hive(j.price),
            j.state,
            j.wallMs !== undefined ? `${j.wallMs} ms` : '–',
            time(j.at),
          ])}
        />
      </Section>
      <Section title="Earnings">
        <p>
          Earned: <strong data-testid="earned">{total === undefined ? '…' : hive(total)}</strong>{' '}
          <span class="muted">(vouchers held and escrows released to this node)</span>
        </p>
        {wallet.data !== undefined && (
          <p>
            Wallet: <Mono>{wallet.data.address}</Mono> holds {hive(wallet.data.hive)}
          </p>
        )}
        <LineChart
          title="Earnings over time"
          yLabel="HIVE"
          series={[{ label: 'earned (HIVE)', color: '#0b6e4f' }]}
          data={[samples.map((s) => s[0]), samples.map((s) => s[1])]}
          summary={samples.length === 0 ? 'no samples yet' : `${samples.length} points; now ${hive(total)}`}
        />
      </Section>
      <Section title="Channels and vouchers">
        {channels.data === undefined ? (
          <Pending load={channels} absent="No payments on this node (no chain configured)." />
        ) : (
          <Table
            caption="Payment channels"
            head={['Channel', 'Role', 'Deposit', 'Vouchers (cumulative)', 'Nonce', 'Status']}
            empty="No channels"
            rows={channels.data.channels.map((c) => [
              <Mono key="c">{short(c.channelId)}</Mono>,
              c.role,
              hive(c.deposit),
              hive(c.cumulativeAmount),
              c.nonce,
              c.status,
            ])}
          />
        )}
        {escrows.data !== undefined && (
          <Table
            caption="Job escrows"
            head={['Job', 'Role', 'Amount', 'State']}
            empty="No escrows"
            rows={escrows.data.escrows.map((e) => [
              <Mono key="j">{short(e.jobId)}</Mono>,
              e.role,
              hive(e.amount),
              e.state,
            ])}
          />
        )}
      </Section>
      <Section title="Stake">
        {stake.data === undefined ? (
          <Pending load={stake} absent="No chain configured: no stake." />
        ) : (
          <Facts
            items={[
              ['Bonded', hive(stake.data.bonded)],
              ['Minimum', hive(stake.data.minStake)],
              ['May bid', stake.data.eligible ? 'yes' : `no (${stake.data.reason ?? 'unknown'})`],
              ['Unbonding', hive(stake.data.unbonding)],
            ]}
          />
        )}
      </Section>
      <Section title="Prices">
        <Facts
          items={[
            ['Own list price (wasm)', own !== undefined ? `${own} HIVE per unit` : '–'],
            ['Cleared (last accepted)', cleared !== undefined ? hive(cleared) : 'no job accepted yet'],
          ]}
        />
      </Section>
    </>
  )
}
