// A binary greyscale PGM (P5) image drawn with characters, so the demo can show the Mandelbrot
// job's output right in the terminal (the .pgm file itself opens in any image viewer).

export interface Pgm {
  width: number
  height: number
  maxval: number
  pixels: Uint8Array
}

export function parsePgm(bytes: Uint8Array): Pgm {
  // header: "P5" whitespace width whitespace height whitespace maxval one-whitespace pixels
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 64)))
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text)
  if (m === null) throw new Error('not a binary PGM (P5) image')
  const [width, height, maxval] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (maxval > 255) throw new Error('16-bit PGM images are not supported')
  const pixels = bytes.subarray(m[0].length)
  if (pixels.length < width * height)
    throw new Error(`PGM image truncated: ${pixels.length} of ${width * height} pixels`)
  return { width, height, maxval, pixels }
}

const RAMP = ' .:-=+*#%@'

/** The image in `columns` characters per row (a character cell is about twice as tall as wide). */
export function pgmToText(img: Pgm, columns = 64): string {
  const cols = Math.min(columns, img.width)
  const cellW = img.width / cols
  const cellH = cellW * 2
  const rows = Math.max(1, Math.round(img.height / cellH))
  const lines: string[] = []
  for (let r = 0; r < rows; r++) {
    let line = ''
    for (let c = 0; c < cols; c++) {
      let sum = 0
      let n = 0
      for (let y = Math.floor(r * cellH); y < Math.min(img.height, Math.floor((r + 1) * cellH)); y++) {
        for (let x = Math.floor(c * cellW); x < Math.min(img.width, Math.floor((c + 1) * cellW)); x++) {
          sum += img.pixels[y * img.width + x]
          n++
        }
      }
      const v = n === 0 ? 0 : sum / n / img.maxval
      line += RAMP[Math.min(RAMP.length - 1, Math.floor(v * RAMP.length))]
    }
    lines.push(line.trimEnd())
  }
  return lines.join('\n')
}
