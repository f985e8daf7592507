// `npm run bench -- audit [--entries N] [--samples S] [--window W] [--group G]`
// Builds an audit log of N entries (default 1,000,000) in a temporary node store through the
// real durable append path (fsynced group commits of up to G entries, W appends in flight,
// so that the next group is prepared while the previous one is written), then measures at
// that size: inclusion proof generation from the store, inclusion and consistency proof
// verification, and the gas of AuditAnchor.anchor on Hardhat's in-process EVM.
// Progress goes to stderr; the last stdout line is the JSON result.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { hash } from 'node:crypto'
import { AuditLog, type AuditRecord } from '../../node/audit/log.ts'
import { openStore } from '../../node/store.ts'
import { verifyConsistency, verifyInclusion } from '../../protocol/merkle/index.ts'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`--${name} needs a positive integer`)
    process.exit(2)
  }
  return v
}
const N = arg('entries', 1_000_000)
const SAMPLES = arg('samples', 2000)
const WINDOW = arg('window', 8192)
const GROUP = arg('group', 2048)
const say = (msg: string): void => {
  process.stderr.write(`[audit bench] ${msg}\n`)
}
const sha = (s: string): Uint8Array => {
  const b = hash('sha256', s, 'buffer')
  return new Uint8Array(b.buffer, b.byteOffset, b.length)
}
const peer = (s: string): Uint8Array => Uint8Array.of(0x00, 0x24, ...sha(s), 0x08, 0x01, 0x12, 0x20).slice(0, 38)
const ME = peer('bench node')
const THEM = peer('bench counterparty')
const OUTPUT = CID.createV1(raw.code, createDigest(0x12, sha('output'))).bytes
const SIG = new Uint8Array(65).fill(7)

/** A provider's log: each job is bid, awarded, accepted, result, paid (realistic entry sizes). */
function record(i: number): AuditRecord {
  const jobId = sha(`job ${Math.floor(i / 5)}`)
  const messageHash = sha(`message ${i}`)
  const common = { jobId, counterparty: THEM, timestamp: 1_700_000_000_000 + i }
  switch (i % 5) {
    case 0:
      return { type: 'bid', direction: 'sent', messageHash, price: 1500n, ...common }
    case 1:
      return { type: 'awarded', direction: 'received', messageHash, price: 1500n, awardIndex: 0, ...common }
    case 2:
      return { type: 'accepted', direction: 'sent', messageHash, price: 1500n, awardIndex: 0, ...common }
    case 3:
      return { type: 'result', direction: 'sent', messageHash, outputCid: OUTPUT, commitmentSignature: SIG, ...common }
    default:
      return {
        type: 'paid',
        direction: 'received',
        amount: 1500n,
        method: {
          kind: 'voucher',
          channelId: sha('channel'),
          cumulativeAmount: 1500n * BigInt(i),
          nonce: BigInt(i),
          signature: SIG,
        },
        ...common,
      }
  }
}

async function appendAll(log: AuditLog, count: number): Promise<number> {
  const start = performance.now()
  let issued = 0
  let done = 0
  let reported = 0
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (issued >= count) return
      const i = issued++
      log.append(record(log.size() + i - done)).then(() => {
        done++
        if (done - reported >= 100_000) {
          reported = done
          say(`${done} entries, ${Math.round(done / ((performance.now() - start) / 1000))}/s`)
        }
        if (done === count) resolve()
        else next()
      }, reject)
    }
    for (let k = 0; k < Math.min(WINDOW, count); k++) next()
  })
  return (performance.now() - start) / 1000
}

async function anchorGas(): Promise<{ anchorGas: number; gasPerEntryAt10000: number } | null> {
  const root = resolve(import.meta.dirname, '..', '..')
  if (!existsSync(join(root, 'contracts', 'audit', 'AuditAnchor.sol'))) return null
  if (!existsSync(join(root, 'artifacts', 'contracts', 'audit', 'AuditAnchor.sol'))) {
    say('building contracts (hardhat build)')
    const r = spawnSync('hardhat', ['build', '--quiet'], { cwd: root, stdio: ['ignore', 2, 2] })
    if (r.status !== 0) return null
  }
  const { network } = await import('hardhat')
  const { ethers } = await network.connect()
  const anchor = await ethers.deployContract('AuditAnchor')
  const fn = anchor.anchor
  // the first anchor also creates the submitter's array; measure the steady state after it
  const gas: bigint[] = []
  for (let k = 1; k <= 4; k++) {
    const tx = await fn(ethers.hexlify(sha(`root ${k}`)), 10_000 * k)
    const receipt = await tx.wait()
    gas.push(receipt?.gasUsed ?? 0n)
  }
  say(`anchor gas: first ${gas[0]}, then ${gas.slice(1).join(', ')} (transaction total, incl. 21000 base and calldata)`)
  const steady = Number(gas[gas.length - 1])
  return { anchorGas: steady, gasPerEntryAt10000: Math.round((steady / 10_000) * 100) / 100 }
}

const dir = mkdtempSync(join(tmpdir(), 'hive-bench-audit-'))
try {
  const store = await openStore(dir)
  const log = await AuditLog.open({ db: store.audit, peer: ME, maxGroup: GROUP })
  say(`appending ${N} entries durably (fsynced group commits of up to ${GROUP}, ${WINDOW} in flight) into ${dir}`)
  const cpu0 = process.cpuUsage()
  const seconds = await appendAll(log, N)
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const appendPerSec = Math.round(N / seconds)
  // on a shared machine wall time depends on the neighbours; CPU time per entry does not
  say(
    `built ${N} entries in ${seconds.toFixed(1)} s: ${appendPerSec} appends/s;` +
      ` ${cpuSeconds.toFixed(1)} CPU s (${((cpuSeconds * 1e6) / N).toFixed(1)} µs/entry, all` +
      ` threads)`,
  )

  const size = log.size()
  const rootN = await log.root(size)
  const rand = (max: number, k: number): number => Math.floor((((k * 2654435761) % 4294967296) / 4294967296) * max)
  const indices = Array.from({ length: SAMPLES }, (_, k) => rand(size, k + 1))
  const leaves = await Promise.all(indices.map((i) => log.tree.leafHash(i)))
  let t0 = performance.now()
  const proofs: Uint8Array[][] = []
  for (const i of indices) proofs.push(await log.inclusionProof(i, size))
  const inclusionProofMs = (performance.now() - t0) / SAMPLES
  t0 = performance.now()
  let ok = 0
  for (let k = 0; k < SAMPLES; k++) if (verifyInclusion(leaves[k], indices[k], size, proofs[k], rootN)) ok++
  const inclusionVerifyMs = (performance.now() - t0) / SAMPLES
  if (ok !== SAMPLES) throw new Error(`${SAMPLES - ok} inclusion proofs failed`)

  const olds = indices.map((i) => Math.max(1, i))
  const oldRoots = await Promise.all(olds.map((m) => log.root(m)))
  t0 = performance.now()
  const cproofs: Uint8Array[][] = []
  for (const m of olds) cproofs.push(await log.consistencyProof(m, size))
  const consistencyProofMs = (performance.now() - t0) / SAMPLES
  t0 = performance.now()
  ok = 0
  for (let k = 0; k < SAMPLES; k++) if (verifyConsistency(olds[k], size, oldRoots[k], rootN, cproofs[k])) ok++
  const consistencyVerifyMs = (performance.now() - t0) / SAMPLES
  if (ok !== SAMPLES) throw new Error(`${SAMPLES - ok} consistency proofs failed`)
  say(
    `at ${size} entries: inclusion proof ${inclusionProofMs.toFixed(3)} ms (${proofs[0].length} hashes),` +
      ` verify ${inclusionVerifyMs.toFixed(4)} ms; consistency proof ${consistencyProofMs.toFixed(3)} ms,` +
      ` verify ${consistencyVerifyMs.toFixed(4)} ms`,
  )
  await log.close()
  await store.close()

  const gas = await anchorGas()
  if (gas === null) say('AuditAnchor not available: anchorGas stays null')
  const round = (x: number): number => Math.round(x * 10_000) / 10_000
  // the fields the issue names first, then the context that explains them
  console.log(
    JSON.stringify({
      bench: 'audit',
      appendPerSec,
      inclusionProofMs: round(inclusionProofMs),
      inclusionVerifyMs: round(inclusionVerifyMs),
      consistencyVerifyMs: round(consistencyVerifyMs),
      anchorGas: gas?.anchorGas ?? null,
      gasPerEntryAt10000: gas?.gasPerEntryAt10000 ?? null,
      entries: size,
      buildSeconds: Math.round(seconds * 10) / 10,
      buildCpuSeconds: Math.round(cpuSeconds * 10) / 10,
      consistencyProofMs: round(consistencyProofMs),
    }),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
