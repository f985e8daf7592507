// `hive audit log|status|anchor|export|verify`: this node's audit log and its anchors, and the
// auditor. `verify --job/--peer` runs on the node (it asks the network); `verify --file` runs
// here, needing only an Ethereum RPC endpoint.
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { HiveError, UsageError } from '../../protocol/errors.ts'
import { HiveClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { shortPeerId, table } from '../format.ts'
import { parsePositiveInt } from '../parse.ts'
import { problems } from '../../protocol/audit/verdict.ts'
import type { AuditVerdict } from '../../protocol/audit/verdict.ts'
import type { EntryJson } from '../../protocol/audit/json.ts'
import type { VerifyBody } from '../../node/api/contract/index.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]
const parseIndex = (text: string): number => {
  if (!/^\d{1,15}$/.test(text))
    throw new UsageError('INVALID_INDEX', `"${text}" is not an entry index (a whole number from 0)`)
  return Number(text)
}

interface VerifyOptions {
  job?: string
  requester?: string
  provider: string[]
  peer?: string
  file: string[]
  address?: string
  rpc?: string
  deployments?: string
}

export function registerAuditCommands(audit: Command, context: (cmd: Command) => CommandContext): void {
  audit
    .command('log')
    .description("this node's audit entries (the latest, or those about one job)")
    .option('--job <id>', 'only the entries about this job')
    .option('--start <index>', 'from this entry index', parseIndex)
    .option('--limit <n>', 'at most this many entries (default 100)', parsePositiveInt)
    .addHelpText('after', '\nExamples:\n  hive audit log --job 3f2a…e9\n  hive audit log --start 0 --limit 20 --json')
    .action(async (opts: { job?: string; start?: number; limit?: number }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const view = await client.call('audit.entries', {
        query: { job: opts.job, start: opts.start, limit: opts.limit },
      })
      if (ctx.json) {
        ctx.printJson(view)
        return
      }
      if (view.entries.length === 0) {
        ctx.say(
          opts.job !== undefined
            ? `no entry about job ${opts.job} in this node's log (${view.size} entries)`
            : 'the audit log is empty',
        )
        return
      }
      ctx.say(
        table(
          ['#', 'time', 'type', 'job', 'with', 'detail'],
          view.entries.map((e) => [
            Number(e.index),
            new Date(Number(e.timestamp)).toISOString().slice(11, 23),
            `${e.type}${e.direction !== undefined ? ` (${String(e.direction)})` : ''}`,
            typeof e.jobId === 'string' ? e.jobId.slice(0, 12) : '',
            typeof e.counterparty === 'string' ? shortPeerId(e.counterparty) : '',
            detail(e),
          ]),
        ),
      )
      ctx.say(`${view.entries.length} of ${view.size} entries`)
    })

  audit
    .command('status')
    .description("the log's size and root, and its anchoring (address, last anchor, pending entries)")
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const s = await client.call('audit.status')
      if (ctx.json) {
        ctx.printJson(s)
        return
      }
      const a = s.anchoring
      ctx.say(
        [
          `log: ${s.size} entries, root ${s.root}`,
          a === null
            ? 'anchoring: off (no chain account: configure rpcUrl and a wallet)'
            : `anchoring: as ${a.address} on chain ${a.chainId}; ` +
              `${a.latest !== undefined ? `last anchor #${a.latest.index} of ${a.latest.treeSize} entries${a.latest.txHash !== undefined ? ` (tx ${a.latest.txHash})` : ''}` : 'nothing anchored yet'}; ` +
              `${a.pending} ` +
              `pending${a.failures > 0 ? `; ${a.failures} failed attempts, last: ${a.lastError ?? ''}` : ''}`,
        ].join('\n'),
      )
    })

  audit
    .command('anchor')
    .description("anchor the log's root on-chain now; prints the root, size and transaction")
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const r = await client.call('audit.anchor')
      if (ctx.json) {
        ctx.printJson(r)
        return
      }
      if (r.anchored)
        ctx.say(
          `anchored ${r.treeSize} entries as anchor #${r.index ?? '?'}\nroot ` +
            `${r.root}\ntx   ${r.txHash ?? ''} (block ${r.blockNumber ?? '?'})`,
        )
      else
        ctx.say(
          `nothing new to anchor: the chain already holds ${r.treeSize} ` +
            `entries${r.txHash !== undefined ? ` (tx ${r.txHash})` : ''}\nroot ` +
            `${r.root}`,
        )
    })

  audit
    .command('export')
    .description(
      "write a range of this node's log (or one job's entries) with proofs " +
        'against its anchored roots, for offline checking',
    )
    .requiredOption('--out <file>', 'the export file to write')
    .option('--job <id>', "the range holding this job's entries")
    .option('--start <index>', 'first entry', parseIndex)
    .option('--end <index>', 'one past the last entry', parseIndex)
    .addHelpText(
      'after',
      '\nExample:\n  hive audit export --job 3f2a…e9 --out job.audit.json && ' +
        'hive audit verify --file job.audit.json --rpc http://127.0.0.1:8545',
    )
    .action(async (opts: { out: string; job?: string; start?: number; end?: number }, cmd: Command) => {
      const ctx = context(cmd)
      const client = await HiveClient.forDataDir(ctx.dataDir)
      const doc = await client.call('audit.export', { query: { job: opts.job, start: opts.start, end: opts.end } })
      await writeFile(opts.out, JSON.stringify(doc))
      if (ctx.json) {
        ctx.printJson({ file: opts.out, start: doc.start, end: doc.end, sizes: doc.roots.map((r) => r.size) })
        return
      }
      ctx.say(
        `wrote entries [${doc.start}, ${doc.end}) with proofs against the ` +
          `anchored size(s) ${doc.roots.map((r) => r.size).join(', ')} to ` +
          `${opts.out}`,
      )
    })

  audit
    .command('verify')
    .description(
      "verify a job (its requester's and providers' logs against their " +
        "on-chain anchors and each other), a peer's anchors, or export files; " +
        'exits non-zero on any inconsistency',
    )
    .option('--job <id>', "the job to verify (finds its participants from this node's connections)")
    .option('--requester <peerId>', 'with --job: start from this requester')
    .option('--provider <peerId>', 'with --job: also ask this provider (repeatable)', collect, [])
    .option(
      '--peer <peerId|address>',
      "check that all of this peer's anchors are consistent, and its served log extends them",
    )
    .option(
      '--file <export>',
      'check an export file against the chain, offline but for the RPC (repeatable; with --job, cross-check them)',
      collect,
      [],
    )
    .option(
      '--address <0x…>',
      'with --file: the anchoring address of a peer that bound none on-chain (AuditAnchor); must match one that did',
    )
    .option(
      '--rpc <url>',
      "with --file: the Ethereum JSON-RPC endpoint (default: $HIVE_RPC_URL, then the node's rpcUrl)",
    )
    .option('--deployments <path>', "with --file: deployments file or folder (default: the node's, then the package's)")
    .addHelpText(
      'after',
      '\nExit status: 0 VERIFIED, 1 FAILED or INCOMPLETE (the table names ' +
        'every failed check, and every proof that could not be ' +
        'obtained).\n\nExamples:\n  hive audit verify --job 3f2a…e9\n  hive ' +
        'audit verify --peer 12D3KooW…\n  hive audit verify --file ' +
        'req.audit.json --file prov.audit.json --job 3f2a…e9 --rpc ' +
        'http://127.0.0.1:8545',
    )
    .action(async (opts: VerifyOptions, cmd: Command) => {
      const ctx = context(cmd)
      const modes = [
        opts.peer !== undefined,
        opts.file.length > 0,
        opts.job !== undefined && opts.file.length === 0,
      ].filter(Boolean).length
      if (modes !== 1)
        throw new UsageError(
          'AUDIT_VERIFY_MODE',
          'say what to verify: --job <id>, --peer <peerId|address>, or --file <export> (with an optional --job)',
        )
      let verdict: AuditVerdict
      if (opts.file.length > 0) {
        verdict = await verifyFiles(ctx, opts)
      } else {
        const client = await HiveClient.forDataDir(ctx.dataDir)
        const body: VerifyBody =
          opts.peer !== undefined
            ? { peer: opts.peer }
            : {
                job: opts.job,
                ...(opts.requester !== undefined ? { requester: opts.requester } : {}),
                providers: opts.provider,
              }
        verdict = await client.call('audit.verify', { body })
      }
      if (ctx.json) ctx.printJson(verdict)
      else ctx.say(verdictText(verdict))
      if (verdict.outcome !== 'VERIFIED') {
        const named = problems(verdict).map(
          (r) => `${r.code ?? r.status} (${r.check}${r.subject !== 'job' ? ` of ${shortPeerId(r.subject)}` : ''})`,
        )
        throw new HiveError(
          verdict.outcome === 'FAILED' ? 'AUDIT_FAILED' : 'AUDIT_INCOMPLETE',
          `${verdict.outcome}: ${[...new Set(named)].slice(0, 8).join(', ')}${named.length > 8 ? ', …' : ''}`,
          { outcome: verdict.outcome },
        )
      }
    })
}

async function verifyFiles(ctx: CommandContext, opts: VerifyOptions): Promise<AuditVerdict> {
  const { loadConfig } = await import('../../node/config.ts')
  const { openChain } = await import('../../node/chain/client.ts')
  const { anchorReader } = await import('../../node/audit/anchor-chain.ts')
  const { verifyExportFiles } = await import('../../node/audit/verify-file.ts')
  let fromNode: { rpcUrl: string; deployments: string } = { rpcUrl: '', deployments: '' }
  try {
    fromNode = loadConfig({ dataDir: ctx.dataDir, env: ctx.io.env })
  } catch {
    /* no usable node config: flags and env only */
  }
  const rpcUrl =
    opts.rpc ??
    (ctx.io.env.HIVE_RPC_URL !== undefined && ctx.io.env.HIVE_RPC_URL !== ''
      ? ctx.io.env.HIVE_RPC_URL
      : fromNode.rpcUrl)
  if (rpcUrl === '')
    throw new UsageError(
      'NO_RPC_URL',
      'verifying a file needs the chain: pass --rpc <url> (e.g. http://127.0.0.1:8545) or set HIVE_RPC_URL',
    )
  if (opts.address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(opts.address))
    throw new UsageError('INVALID_ADDRESS', `--address ${opts.address} is not a 0x-prefixed 20-byte address`)
  const chain = await openChain({
    settings: { rpcUrl, deployments: opts.deployments ?? fromNode.deployments, maxFeeGwei: 1, confirmations: 1 },
  })
  try {
    return await verifyExportFiles(opts.file, {
      chain: anchorReader(chain),
      ...(opts.address !== undefined ? { address: opts.address } : {}),
      ...(opts.job !== undefined ? { jobId: opts.job } : {}),
    })
  } finally {
    chain.close()
  }
}

function detail(e: EntryJson): string {
  switch (e.type) {
    case 'posted':
      return `max ${String(e.maxPrice)}, k=${String(e.redundancy)}, ${String(e.paymentMode)}`
    case 'bid':
    case 'awarded':
    case 'accepted':
      return `price ${String(e.price)}${e.awardIndex !== undefined ? `, slot ${String(e.awardIndex)}` : ''}`
    case 'result':
      return `output ${String(e.outputCid)}`
    case 'verified':
      return `${e.accepted === true ? 'accepted' : 'rejected'}: ${String(e.reason)}`
    case 'paid':
    case 'refunded':
      return `${String(e.amount)}${e.method !== undefined ? ` by ${String(e.method)}` : ''}`
    case 'disputed':
      return String(e.reason)
    case 'revoked':
      return `slot ${String(e.awardIndex)}: ${String(e.reason)}`
    case 'reopened':
      return `bidding re-opened (${String(e.sequence)}), pushed to ${String(e.asked)} provider(s)`
    case 'anchored':
      return `${String(e.treeSize)} entries, root ${String(e.root).slice(0, 16)}…, tx ${String(e.txHash).slice(0, 18)}…`
    default:
      return ''
  }
}

export function verdictText(v: AuditVerdict): string {
  const who = table(
    ['peer', 'role', 'anchors as', 'latest anchor', 'entries'],
    v.peers.map((p) => [
      shortPeerId(p.peerId),
      p.role,
      p.address ?? '-',
      p.latestAnchor !== undefined ? `#${p.latestAnchor.index} (${p.latestAnchor.treeSize} entries)` : '-',
      p.entries,
    ]),
  )
  const checks = table(
    ['status', 'subject', 'check', 'problem', 'detail'],
    v.rows.map((r) => [
      r.status,
      r.subject === 'job' ? 'job' : shortPeerId(r.subject),
      r.check,
      r.code ?? '',
      r.message.length > 110 ? r.message.slice(0, 107) + '…' : r.message,
    ]),
  )
  const failed = v.rows.filter((r) => r.status === 'FAIL').length
  const missing = v.rows.filter((r) => r.status === 'UNAVAILABLE' || r.status === 'PENDING').length
  const passed = v.rows.filter((r) => r.status === 'PASS').length
  return (
    `${who}\n${checks}\n${v.outcome}: ${v.kind} ${v.subject} — ${passed} ` +
    `checks passed, ${failed} failed, ${missing} could not be ` +
    `shown${v.chainId !== undefined ? ` (anchors read from chain ${v.chainId})` : ''}`
  )
}
