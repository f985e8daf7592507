// wordcount [TOP]: for every file in /input (sorted by name) counts lines, words and bytes
// the way `wc` does (lines = newline bytes, words = runs of non-whitespace bytes), adds the
// TOP (default 10) most frequent words (runs of ASCII letters, digits and apostrophes,
// lowercased; ties in alphabetical order), and writes the table to /output/counts.txt.
// stdout gets a one-line summary.
import { args, eprint, exit, listDir, preopen, print, readFile, writeTextFile } from "../../lib/assembly/wasi"

function isSpace(c: u8): bool {
  return c == 32 || (c >= 9 && c <= 13) // space \t \n \v \f \r
}

function isWordChar(c: u8): bool {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 39
}

function pad(v: string, width: i32): string {
  return v.padStart(width, " ")
}

class Counts {
  lines: i64 = 0
  words: i64 = 0
  bytes: i64 = 0
}

function count(data: Uint8Array, freq: Map<string, i32>): Counts {
  const c = new Counts()
  c.bytes = data.length
  let inWord = false
  let tokenStart = -1
  for (let i = 0; i <= data.length; i++) {
    const b: u8 = i < data.length ? unchecked(data[i]) : 32
    if (i < data.length) {
      if (b == 10) c.lines++
      if (isSpace(b)) inWord = false
      else if (!inWord) { inWord = true; c.words++ }
    }
    if (i < data.length && isWordChar(b)) {
      if (tokenStart < 0) tokenStart = i
    } else if (tokenStart >= 0) {
      const token = String.UTF8.decodeUnsafe(data.dataStart + tokenStart, i - tokenStart).toLowerCase()
      freq.set(token, freq.has(token) ? freq.get(token) + 1 : 1)
      tokenStart = -1
    }
  }
  return c
}

class WordCount {
  constructor(public word: string, public n: i32) {}
}

function byCountThenWord(a: WordCount, b: WordCount): i32 {
  if (a.n != b.n) return b.n - a.n
  return a.word < b.word ? -1 : a.word > b.word ? 1 : 0
}

function main(): u32 {
  const a = args()
  const top = a.length > 0 ? I32.parseInt(a[0]) : 10
  if (top < 0 || top > 1000) {
    eprint("usage: wordcount [TOP]   (0 <= TOP <= 1000)\n")
    return 2
  }
  const input = preopen("/input")
  const output = preopen("/output")
  if (input < 0 || output < 0) {
    eprint("wordcount needs the /input and /output directories\n")
    return 2
  }
  const names = listDir(input)
  const freq = new Map<string, i32>()
  let nameWidth = 5
  for (let i = 0; i < names.length; i++) nameWidth = max(nameWidth, names[i].length)
  let out = pad("lines", 10) + pad("words", 10) + pad("bytes", 12) + "  file\n"
  const total = new Counts()
  for (let i = 0; i < names.length; i++) {
    const data = readFile(input, names[i])
    if (data === null) return 1
    const c = count(data, freq)
    total.lines += c.lines; total.words += c.words; total.bytes += c.bytes
    out += pad(c.lines.toString(), 10) + pad(c.words.toString(), 10) + pad(c.bytes.toString(), 12) + "  " + names[i] + "\n"
  }
  out += pad(total.lines.toString(), 10) + pad(total.words.toString(), 10) + pad(total.bytes.toString(), 12) + "  total\n"

  const keys = freq.keys()
  const words = new Array<WordCount>(keys.length)
  for (let i = 0; i < keys.length; i++) words[i] = new WordCount(keys[i], freq.get(keys[i]))
  words.sort(byCountThenWord)
  out += "\ntop " + min(top, words.length).toString() + " words of " + words.length.toString() + " distinct\n"
  for (let i = 0; i < min(top, words.length); i++) {
    out += pad(words[i].n.toString(), 10) + "  " + words[i].word + "\n"
  }
  if (!writeTextFile(output, "counts.txt", out)) return 1
  print(names.length.toString() + " files, " + total.lines.toString() + " lines, " + total.words.toString() +
    " words, " + total.bytes.toString() + " bytes\n")
  return 0
}

exit(main())
