// Codemod: wraps string and template literals that carry a line past 120 columns, the part of
// the limit Prettier cannot do (it never splits a string). A long literal becomes a
// concatenation of pieces split at spaces or after a `\n` escape, in parentheses that Prettier
// then drops where they are not needed; the value is the same string. Lines it cannot wrap
// safely (a literal type, a property name, an import path, a tagged template, JSX text) are
// listed for a hand edit.
//
//   npx tsx scripts/test/wrap-long-strings.ts [files…]
// (default: every source file; it runs Prettier on the files it changed)
//
// Run it again until it reports nothing: Prettier may re-indent a wrapped call.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'

const MAX = 120
const root = resolve(import.meta.dirname, '..', '..')

interface Flagged {
  file: string
  lines: Set<number>
}

/** The lines over the limit, per file (URLs are exempt, as in the ESLint rule). */
function flagged(files: string[]): Flagged[] {
  const result: Flagged[] = []
  for (const file of files.length ? files : listSources()) {
    const lines = readFileSync(file, 'utf8').split('\n')
    const long = new Set<number>()
    lines.forEach((l, i) => {
      if (l.length > MAX && !/https?:\/\//.test(l)) long.add(i)
    })
    if (long.size > 0) result.push({ file, lines: long })
  }
  return result
}

/** The sources ESLint lints (not generated code or build output). */
function listSources(): string[] {
  const out = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.js', '*.mjs', '*.cjs'], {
    cwd: root,
    encoding: 'utf8',
  })
  return out
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('protocol/gen/') && !/(^|\/)(build|assembly)\//.test(f))
    .map((f) => resolve(root, f))
}

/** Split points in a literal's raw text: after a `\n` escape first, else before a space. */
function splitRaw(raw: string, width: number): string[] {
  const pieces: string[] = []
  let rest = raw
  while (rest.length > width) {
    let cut = -1
    for (let i = Math.min(width, rest.length - 1); i > width / 3; i--) {
      if (rest[i - 2] === '\\' && rest[i - 1] === 'n' && !escaped(rest, i - 2)) {
        cut = i
        break
      }
    }
    if (cut < 0)
      for (let i = Math.min(width, rest.length - 1); i > width / 3; i--) {
        if (rest[i] === ' ' && !escaped(rest, i) && rest[i - 1] !== '$' && !insideEscape(rest, i)) {
          cut = i
          break
        }
      }
    if (cut < 0)
      for (let i = Math.min(width, rest.length - 1); i > width / 3; i--) {
        if (!insideEscape(rest, i) && rest[i - 1] !== '$' && rest[i] !== '{') {
          cut = i
          break
        }
      }
    if (cut <= 0) break
    pieces.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  pieces.push(rest)
  return pieces
}

/** Whether the character at i is preceded by an odd number of backslashes. */
function escaped(s: string, i: number): boolean {
  let n = 0
  for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++
  return n % 2 === 1
}

/** Whether cutting before index i would split an escape sequence (\n, \xNN, \uNNNN, \u{…}). */
function insideEscape(s: string, i: number): boolean {
  for (let back = 1; back <= 10 && i - back >= 0; back++) {
    const j = i - back
    if (s[j] === '\\' && !escaped(s, j)) {
      const esc = s.slice(j, j + 12)
      const m = /^\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/.exec(esc)
      const len = m?.[0].length ?? 2
      return i < j + len
    }
  }
  return false
}

function unsafeParent(node: ts.Node): string | undefined {
  const p = node.parent
  if (ts.isLiteralTypeNode(p)) return 'a literal type'
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return 'a module path'
  if (ts.isImportTypeNode(p.parent ?? p)) return 'an import type'
  if ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p)) && p.name === node)
    return 'a property name'
  if (ts.isEnumMember(p) && p.name === node) return 'an enum member name'
  if (ts.isTaggedTemplateExpression(p)) return 'a tagged template'
  if (ts.isJsxAttribute(p)) return 'a JSX attribute'
  if (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) return 'a dynamic import'
  return undefined
}

interface Edit {
  start: number
  end: number
  text: string
}

/** Wraps the literals on the flagged lines of one file; returns the lines it could not wrap. */
function wrapFile(f: Flagged): string[] {
  const text = readFileSync(f.file, 'utf8')
  const kind = f.file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : f.file.endsWith('.ts')
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS
  const sf = ts.createSourceFile(f.file, text, ts.ScriptTarget.Latest, true, kind)
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line
  const edits: Edit[] = []
  const done = new Set<number>()
  const skipped: string[] = []
  const lineStarts = sf.getLineStarts()
  const visit = (node: ts.Node): void => {
    const isString = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
    if (isString || ts.isTemplateExpression(node)) {
      const start = node.getStart(sf)
      const line = lineOf(start)
      const endLine = lineOf(node.end)
      // a literal on one flagged line, long enough to matter (a short one is not what overflows)
      if (f.lines.has(line) && line === endLine && !done.has(line) && node.end - start >= 40) {
        const why = unsafeParent(node)
        if (why !== undefined) {
          skipped.push(`${f.file}:${line + 1} (${why})`)
          done.add(line)
          return
        }
        const indent = /^\s*/.exec(text.slice(lineStarts[line], start))?.[0].length ?? 0
        const raw = text.slice(start, node.end)
        const q = raw[0]!
        const inner = raw.slice(1, -1)
        // at least two pieces: a literal that alone fits still overflows where it stands
        const width = Math.max(30, Math.min(MAX - indent - 16, Math.ceil(inner.length / 2) + 8))
        const pieces = isString ? splitRaw(inner, width) : splitTemplate(inner, width)
        if (pieces.length > 1) {
          const joined = pieces.map((p) => `${q}${p}${q}`).join(' +\n')
          // inside a concatenation already: no parentheses (the value is the same string either way)
          const inConcat =
            ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken
          edits.push({ start, end: node.end, text: inConcat ? joined : `(${joined})` })
          done.add(line)
          return
        }
      }
    }
    if (!isString && !ts.isTemplateExpression(node)) {
      ts.forEachChild(node, visit)
      return
    }
    // a template over several lines: cut each flagged line of its text in two (`…` + `…`)
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const start = node.getStart(sf)
      const inner = text.slice(start + 1, node.end - 1)
      const inSub = substitutions(inner)
      const cuts: number[] = []
      for (let line = lineOf(start) + 1; line <= lineOf(node.end); line++) {
        if (!f.lines.has(line) || done.has(line)) continue
        const from = lineStarts[line]! - (start + 1)
        for (let i = from + MAX - 24; i > from + 20; i--) {
          if (i >= inner.length || inSub[i] || inSub[i - 1] || inner[i] !== ' ' || escaped(inner, i)) continue
          cuts.push(start + 1 + i)
          done.add(line)
          break
        }
      }
      if (cuts.length > 0) {
        let t = text.slice(start, node.end)
        for (const c of cuts.sort((a, b) => b - a)) t = t.slice(0, c - start) + '` +\n`' + t.slice(c - start)
        edits.push({ start, end: node.end, text: `(${t})` })
        return
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  for (const l of f.lines)
    if (!done.has(l) && !skipped.some((s) => s.endsWith(`:${l + 1}`))) skipped.push(`${f.file}:${l + 1}`)
  if (edits.length === 0) return skipped
  let out = text
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  writeFileSync(f.file, out)
  return skipped
}

/**
 * A template's raw inside (between the backticks) split only in its text, never inside `${…}`:
 * each piece is a whole template again.
 */
function splitTemplate(inner: string, width: number): string[] {
  const inSub = substitutions(inner)
  const pieces: string[] = []
  let from = 0
  while (inner.length - from > width) {
    let cut = -1
    for (const prefer of ['space', 'any'] as const) {
      for (let i = Math.min(from + width, inner.length - 1); i > from + width / 4; i--) {
        if (inSub[i] || inSub[i - 1] || escaped(inner, i) || insideEscape(inner, i)) continue
        if (inner[i - 1] === '$' || (prefer === 'space' && inner[i] !== ' ')) continue
        cut = i
        break
      }
      if (cut > 0) break
    }
    if (cut < 0) {
      // the substitutions fill the width: cut at the first text character after it
      for (let i = from + width; i < inner.length; i++)
        if (!inSub[i] && !inSub[i - 1] && !escaped(inner, i) && !insideEscape(inner, i) && inner[i - 1] !== '$') {
          cut = i
          break
        }
    }
    if (cut < 0 || cut >= inner.length) break
    pieces.push(inner.slice(from, cut))
    from = cut
  }
  pieces.push(inner.slice(from))
  return pieces.filter((p) => p !== '')
}

/** Which characters of a template's inside belong to a `${…}` (nested literals skipped whole). */
function substitutions(inner: string): boolean[] {
  const inSub: boolean[] = []
  let depth = 0
  for (let i = 0; i < inner.length; i++) {
    if (depth === 0 && inner[i] === '$' && inner[i + 1] === '{' && !escaped(inner, i)) {
      inSub[i] = true
      inSub[i + 1] = true
      depth = 1
      i++
      continue
    }
    if (depth > 0) {
      inSub[i] = true
      if (inner[i] === '{') depth++
      else if (inner[i] === '}') depth--
      else if (inner[i] === '`' || inner[i] === "'" || inner[i] === '"') {
        // skip a nested literal whole (its braces do not count)
        const quote = inner[i]
        let j = i + 1
        let nested = 0
        while (j < inner.length) {
          if (inner[j] === '\\') {
            j += 2
            continue
          }
          if (quote === '`' && inner[j] === '$' && inner[j + 1] === '{') nested++
          else if (quote === '`' && nested > 0 && inner[j] === '}') nested--
          else if (inner[j] === quote && nested === 0) break
          j++
        }
        for (let k = i; k <= j && k < inner.length; k++) inSub[k] = true
        i = j
      }
      continue
    }
    inSub[i] = false
  }
  return inSub
}

const files = process.argv.slice(2).map((f) => resolve(f))
const todo = flagged(files)
const changed: string[] = []
const left: string[] = []
for (const f of todo) {
  const before = readFileSync(f.file, 'utf8')
  left.push(...wrapFile(f))
  if (readFileSync(f.file, 'utf8') !== before) changed.push(f.file)
}
if (changed.length > 0)
  execFileSync('prettier', ['--write', '--log-level', 'warn', ...changed], { cwd: root, stdio: 'inherit' })
console.log(`wrapped literals in ${changed.length} files`)
for (const l of left) console.log(`not wrapped: ${l}`)
