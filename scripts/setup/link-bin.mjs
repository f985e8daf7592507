// Part of `npm install`: npm links the bins of the dependencies into node_modules/.bin but never
// the package's own, so add `hive` there too (a relative symlink to the launcher cli/hive). Then
// node_modules/.bin/hive works from any shell, and a PATH entry to node_modules/.bin gives
// `hive`. Idempotent; a file of another kind at that name is left alone and reported.
import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..')
const link = join(root, 'node_modules', '.bin', 'hive')
const target = relative(dirname(link), join(root, 'cli', 'hive'))

const existing = lstatSync(link, { throwIfNoEntry: false })
if (existing === undefined) {
  mkdirSync(dirname(link), { recursive: true })
  symlinkSync(target, link)
} else if (!existing.isSymbolicLink() || readlinkSync(link) !== target) {
  console.warn(`[hive setup] ${link} exists and is not a link to ${target}: left as it is`)
}
