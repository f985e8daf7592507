// `npm run bench -- lottery [--jobs N] [--trials T] [--providers P]`: fairness of who bids and
// who wins (issue 14 goal 1), simulated with the market's own rules and no network: the
// requester's push choice (node/market/candidates.ts), the bid lottery
// (protocol/market/lottery.ts, tickets from real sha-256 draws over random job nonces), the bid
// gate (node/market/bid-gate.ts) and bid selection (protocol/market/selection.ts). Every
// provider is live and bids when pushed or drawn; the award goes to the best-ranked bid (k = 1).
// Figures:
// - newcomerFirstAwardMaxJobs / Mean: jobs until a provider that just joined with the lowest
//   price wins its first award (goal ≤ 20), over `trials` networks of P incumbents; and the same
//   for a newcomer the requester does not hear on the topic, which only its lottery ticket brings
//   in (lotteryOnlyNewcomer…: mean jobs, and the fraction of trials within 20);
// - bidsPerJobByProviders: mean bids per job after a requester's first job (which, knowing no
//   provider yet, every provider bids on): m pushed + about m drawn, whatever P;
// - shares: among P providers at one list price (bids ± 5 % per job), the award share of one
//   owner with the minimum stake, with 5 × the minimum on one peer id, spread over five peer ids
//   (the chain names one owner for all five), and of five distinct owners with the minimum each
//   (five competitors): identity count must not raise one owner's share; stake may.
// Last stdout line: one JSON object with `cpuScore` (the machine's `hive hw` score).
import { randomBytes } from 'node:crypto'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { BidGate } from '../../node/market/bid-gate.ts'
import { CandidateBook } from '../../node/market/candidates.ts'
import { WEIGHT_SCALE, defaultMaxBidders, stakeWeight, winsLottery } from '../../protocol/market/lottery.ts'
import { rankBids } from '../../protocol/market/selection.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import type { BidCandidate } from '../../protocol/market/selection.ts'
import type { PeerId } from '@libp2p/interface'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const JOBS = opt('--jobs', 2000)
const TRIALS = opt('--trials', 50)
const PROVIDERS = opt('--providers', 30)
const note = (s: string): void => {
  process.stderr.write(s + '\n')
}

const MIN_STAKE = 1000n
const MAX_PRICE = 1_000_000n
const K = 1
const M = defaultMaxBidders(K)

interface SimProvider {
  id: string
  peer: PeerId
  bytes: Uint8Array
  owner: string
  stake: bigint
  price: bigint
}

async function provider(owner: string | undefined, stake: bigint, price: bigint): Promise<SimProvider> {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return { id: peer.toString(), peer, bytes: peerIdToBytes(peer), owner: owner ?? peer.toString(), stake, price }
}

/** Prices spread over the middle of the range, so that quality decides and ties are rare. */
const incumbentPrice = (i: number): bigint => 300_000n + BigInt(i) * 7_000n
/** the share runs: every provider lists the same price, so stake and count are what differ */
const FLAT_PRICE = 400_000n

/** a bid's price this job: the provider's list price ± 5 % (load, job shape) */
const jitter = (price: bigint): bigint => (price * BigInt(950 + Math.floor(Math.random() * 101))) / 1000n

/** One network, `jobs` jobs; returns awards per owner and bids per job. */
function run(
  providers: SimProvider[],
  jobs: number,
  onJob?: (job: number, winner: string) => boolean,
  book = new CandidateBook(),
  hidden = new Set<string>(),
): { awards: Map<string, number>; bids: number } {
  const gate = new BidGate()
  const awards = new Map<string, number>()
  let bids = 0
  // providers the requester does not hear on the topic (`hidden`) reach it by the lottery only
  const live = providers.map((p) => p.id).filter((id) => !hidden.has(id))
  const byId = new Map(providers.map((p) => [p.id, p]))
  for (let j = 0; j < jobs; j++) {
    const jobId = randomBytes(32).toString('hex')
    const nonce = randomBytes(16)
    const choice = book.choose(live, M)
    gate.open(jobId, { nonce, maxBidders: M, statedEstimate: choice.estimate })
    for (const t of choice.targets) gate.markPushed(jobId, t)
    const pushed = new Set(choice.targets)
    const held: BidCandidate[] = []
    for (const p of providers) {
      const weight = stakeWeight(p.stake, MIN_STAKE)
      const draw = { nonce, jobId, maxBidders: M, estimate: Math.max(M, choice.estimate) }
      // a provider bids when pushed, or when its ticket wins (it then claims the stated N)
      if (!pushed.has(p.id) && !winsLottery(draw, p.bytes, weight)) continue
      const verdict = gate.admit(jobId, p.peer, pushed.has(p.id) ? 0 : draw.estimate, weight, p.owner)
      if (!verdict.ok) continue
      const price = jitter(p.price)
      book.noteBid(p.id, price, MAX_PRICE, weight, p.owner)
      held.push({ provider: p.id, price, expiresAt: Infinity, stake: p.stake, benchmarkScore: 1000 })
    }
    gate.close(jobId)
    bids += held.length
    const best = rankBids(held, { k: K, maxPrice: MAX_PRICE, now: 0, minStake: MIN_STAKE }).ranked[0]?.bid.provider
    if (best === undefined) continue
    const owner = byId.get(best)!.owner
    awards.set(owner, (awards.get(owner) ?? 0) + 1)
    if (onJob?.(j, owner) === true) break
  }
  return { awards, bids: bids / jobs }
}

async function incumbents(n: number): Promise<SimProvider[]> {
  const out: SimProvider[] = []
  for (let i = 0; i < n; i++) out.push(await provider(undefined, MIN_STAKE, incumbentPrice(i)))
  return out
}

/** `hiddenFromRequester`: the requester does not know the newcomer; only its lottery ticket brings its first bid. */
async function newcomerTrial(hiddenFromRequester = false): Promise<number> {
  const base = await incumbents(PROVIDERS)
  // the incumbents trade a while first: the requester knows their prices, not the newcomer's
  const book = new CandidateBook()
  run(base, 50, undefined, book)
  const newcomer = await provider(undefined, MIN_STAKE, 250_000n)
  let first = -1
  run(
    [...base, newcomer],
    200,
    (j, owner) => {
      if (owner === newcomer.owner) {
        first = j + 1
        return true
      }
      return false
    },
    book,
    hiddenFromRequester ? new Set([newcomer.id]) : new Set(),
  )
  return first < 0 ? Number.POSITIVE_INFINITY : first
}

/** The award share of `group` (owners) among `others` incumbents priced around them. */
async function share(group: SimProvider[], others: SimProvider[]): Promise<number> {
  const { awards } = run([...others, ...group], JOBS)
  const owners = new Set(group.map((g) => g.owner))
  let won = 0
  for (const [owner, n] of awards) if (owners.has(owner)) won += n
  return won / JOBS
}

const cpuScore = runCpuBenchmark().score
note(`cpu score ${cpuScore}; ${PROVIDERS} incumbents, m = ${M}, ${TRIALS} newcomer trials, ${JOBS} jobs per share run`)

const firsts: number[] = []
for (let t = 0; t < TRIALS; t++) firsts.push(await newcomerTrial())
note(`newcomer's first award after jobs: ${firsts.join(' ')}`)
const hiddenFirsts: number[] = []
for (let t = 0; t < TRIALS; t++) hiddenFirsts.push(await newcomerTrial(true))
note(`newcomer unknown to the requester (lottery only), first award after jobs: ${hiddenFirsts.join(' ')}`)
const within20 = hiddenFirsts.filter((f) => f <= 20).length / TRIALS

const sizes: Record<string, number> = {}
for (const n of [10, 100, 1000]) {
  // the first job of a requester that knows nobody goes to everyone (N ≤ m); steady state after
  const book = new CandidateBook()
  const network = await incumbents(n)
  const cold = run(network, 1, undefined, book)
  note(`${n} providers: the cold-start job got ${cold.bids} bids`)
  const { bids } = run(network, 200, undefined, book)
  sizes[String(n)] = Math.round(bids * 100) / 100
  note(`${n} providers: ${bids.toFixed(2)} bids per job`)
}

// everyone lists one price (bids vary ± 5 % per job): the group's share is decided by stake and count
const median = FLAT_PRICE
const others: SimProvider[] = []
for (let i = 0; i < PROVIDERS; i++) others.push(await provider(undefined, MIN_STAKE, FLAT_PRICE))
const oneIdFiveStakes = await share([await provider('whale', 5n * MIN_STAKE, median)], others)
const fiveIdsOneOwner: SimProvider[] = []
for (let i = 0; i < 5; i++) fiveIdsOneOwner.push(await provider('sybil-owner', MIN_STAKE, median))
const fiveIdsShare = await share(fiveIdsOneOwner, others)
const fiveOwners: SimProvider[] = []
for (let i = 0; i < 5; i++) fiveOwners.push(await provider(undefined, MIN_STAKE, median))
const fiveOwnersShare = await share(fiveOwners, others)
const oneMinimum = await share([await provider('single', MIN_STAKE, median)], others)
note(
  `award shares: one owner 5× stake on one id ${oneIdFiveStakes}, one owner on 5 ids` +
    ` ${fiveIdsShare}, five owners ${fiveOwnersShare}, one owner 1× stake ${oneMinimum}`,
)

const finite = firsts.filter((f) => Number.isFinite(f))
console.log(
  JSON.stringify({
    bench: 'lottery',
    cpuScore,
    simulated: true,
    incumbents: PROVIDERS,
    maxBidders: M,
    newcomerFirstAwardMaxJobs: finite.length === firsts.length ? Math.max(...firsts) : null,
    newcomerFirstAwardMeanJobs:
      Math.round((finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length)) * 100) / 100,
    newcomerTrials: TRIALS,
    lotteryOnlyNewcomerFirstAwardMeanJobs:
      Math.round(
        (hiddenFirsts.filter(Number.isFinite).reduce((a, b) => a + b, 0) /
          Math.max(1, hiddenFirsts.filter(Number.isFinite).length)) *
          100,
      ) / 100,
    lotteryOnlyNewcomerWithin20: within20,
    bidsPerJobByProviders: sizes,
    shareOneOwnerFiveStakeOneId: oneIdFiveStakes,
    shareOneOwnerFiveIds: fiveIdsShare,
    shareFiveOwners: fiveOwnersShare,
    shareOneOwnerMinimumStake: oneMinimum,
    weightScale: Number(WEIGHT_SCALE),
  }),
)
