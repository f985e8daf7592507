// Export of a log range with its proofs as one JSON file (format: protocol/audit/export.ts),
// and import = reading such a file and verifying all of it.
import { readFile, writeFile } from 'node:fs/promises'
import { EXPORT_FORMAT, toHex, verifyExport, type AuditExport, type ExportVerdict } from '../../protocol/audit/index.ts'
import { HiveError } from '../../protocol/errors.ts'
import type { ExportSource } from './export-source.ts'

/**
 * The entries [start, end) with roots at `sizes` (ascending; default: the current size), an
 * inclusion proof of each entry against the first size above its index, and consistency
 * proofs between consecutive sizes. Pass the anchored sizes so that an auditor can compare
 * the roots with the chain.
 */
export async function exportRange(
  log: ExportSource,
  range: { start: number; end: number },
  sizes: number[] = [log.size()],
): Promise<AuditExport> {
  const { start, end } = range
  const size = log.size()
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > size) {
    throw new HiveError('AUDIT_EXPORT_RANGE', `range [${start}, ${end}) is not within the log's ${size} entries`, {
      start,
      end,
      size,
    })
  }
  for (let i = 0; i < sizes.length; i++) {
    if (!Number.isSafeInteger(sizes[i]) || sizes[i] < 1 || sizes[i] > size || (i > 0 && sizes[i] <= sizes[i - 1])) {
      throw new HiveError('AUDIT_EXPORT_SIZES', 'sizes must ascend strictly within 1..size', {
        size: sizes[i],
        have: size,
      })
    }
  }
  if (end > start && (sizes.length === 0 || end > sizes[sizes.length - 1])) {
    throw new HiveError('AUDIT_EXPORT_SIZES', 'the largest size must cover the range', {
      end,
      largest: sizes.at(-1) ?? 0,
    })
  }
  const roots = await Promise.all(sizes.map(async (s) => ({ size: s, root: toHex(await log.root(s)) })))
  const consistency = []
  for (let i = 0; i + 1 < sizes.length; i++) {
    consistency.push({
      from: sizes[i],
      to: sizes[i + 1],
      proof: (await log.consistencyProof(sizes[i], sizes[i + 1])).map(toHex),
    })
  }
  const stored = await log.getRange(start, end)
  // consecutive entries share most of their proof: one cache of subtree hashes for the whole export
  const cache = new Map<string, Uint8Array>()
  const entries = []
  for (const s of stored) {
    const target = sizes.find((x) => x > s.entry.index) as number
    const proof = await log.tree.inclusionProof(s.entry.index, target, cache)
    entries.push({
      index: s.entry.index,
      bytes: Buffer.from(s.bytes).toString('base64'),
      size: target,
      proof: proof.map(toHex),
    })
  }
  return { format: EXPORT_FORMAT, peer: toHex(log.peer), start, end, roots, consistency, entries }
}

export async function writeExportFile(path: string, doc: AuditExport): Promise<void> {
  await writeFile(path, JSON.stringify(doc), { mode: 0o644 })
}

/** Reads and verifies an export file; the verdict names the first problem found. */
export async function readExportFile(
  path: string,
  options: { maxBytes?: number; maxEntries?: number } = {},
): Promise<ExportVerdict> {
  const text = await readFile(path, 'utf8')
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024
  if (text.length > maxBytes)
    return { ok: false, code: 'MALFORMED_EXPORT', message: `export file over ${maxBytes} bytes` }
  return verifyExport(text, options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {})
}
