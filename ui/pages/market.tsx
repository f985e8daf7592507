// Market: the prices jobs cleared at and how many jobs per minute, as this node saw them (its own
// jobs as a requester, the awards it accepted as a provider), charted with uPlot.
import { api } from '../api.ts'
import { recent } from '../events.ts'
import type { NodeEvent } from '../events.ts'
import { useEvents, useLoad } from '../hooks.ts'
import { hive, hiveNumber } from '../format.ts'
import { LineChart } from '../chart.tsx'
import { Section } from '../parts.tsx'

type Accepted = Extract<NodeEvent, { type: 'job:accepted' | 'provider:accepted' }>

export function Market() {
  useEvents((e) => e.type === 'job:accepted' || e.type === 'provider:accepted' || e.type === 'job:posted')
  const jobs = useLoad(api.jobs, { when: (e) => e.type.startsWith('job:') })
  const points = new Map<string, [number, number]>()
  for (const j of jobs.data?.jobs ?? [])
    for (const w of j.winners) points.set(`${j.jobId}/${w.provider}`, [j.postedAt / 1000, hiveNumber(w.price)])
  for (const e of recent)
    if (e.type === 'job:accepted' || e.type === 'provider:accepted') {
      const a = e as Accepted
      const who = 'provider' in a ? a.provider : 'self'
      points.set(`${a.jobId}/${who}`, [a.at / 1000, hiveNumber(a.price)])
    }
  const prices = [...points.values()].sort((a, b) => a[0] - b[0])
  const perMinute = new Map<number, number>()
  const posted = new Set<string>()
  for (const j of jobs.data?.jobs ?? []) {
    posted.add(j.jobId)
    const m = Math.floor(j.postedAt / 60_000) * 60
    perMinute.set(m, (perMinute.get(m) ?? 0) + 1)
  }
  for (const e of recent)
    if ((e.type === 'provider:bid' || e.type === 'job:posted') && !posted.has(e.jobId)) {
      posted.add(e.jobId)
      const m = Math.floor(e.at / 60_000) * 60
      perMinute.set(m, (perMinute.get(m) ?? 0) + 1)
    }
  // every minute from the first job seen (at most an hour back) to now, the quiet ones as 0
  const nowMinute = Math.floor(Date.now() / 60_000) * 60
  const first = Math.max(Math.min(nowMinute, ...perMinute.keys()), nowMinute - 3600)
  const minutes: Array<[number, number]> = []
  if (perMinute.size > 0) for (let m = first; m <= nowMinute; m += 60) minutes.push([m, perMinute.get(m) ?? 0])
  const last = prices[prices.length - 1]
  return (
    <>
      <Section title="Clearing prices">
        <LineChart
          title="Accepted price per job"
          yLabel="HIVE"
          series={[{ label: 'price (HIVE)', color: '#1d4ed8' }]}
          // up to now on the time axis (a gap, not a point), so one price is not drawn across years
          data={[
            [...prices.map((p) => p[0]), Date.now() / 1000],
            [...prices.map((p): number | null => p[1]), null],
          ]}
          summary={
            last === undefined
              ? 'no job has cleared yet'
              : `${prices.length} accepted awards; the last cleared at ${hive(BigInt(Math.round(last[1] * 1e18)))}`
          }
        />
      </Section>
      <Section title="Jobs per minute">
        <LineChart
          title="Jobs per minute"
          yLabel="jobs"
          series={[{ label: 'jobs', color: '#9a3412' }]}
          data={[minutes.map((m) => m[0]), minutes.map((m) => m[1])]}
          summary={
            minutes.length === 0
              ? 'no jobs seen yet'
              : `${posted.size} jobs in the last ${minutes.length} minute(s); the` +
                ` busiest minute had ${Math.max(...minutes.map((m) => m[1]))}`
          }
        />
      </Section>
    </>
  )
}
