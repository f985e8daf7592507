// mandelbrot [WIDTH HEIGHT MAXITER]: renders the Mandelbrot set over x in [-2.5, 1],
// y in [-1.25, 1.25] (aspect kept by the caller's choice of size) into /output/mandelbrot.pgm,
// a binary greyscale image any viewer opens: black inside the set, brighter the slower a
// point escapes. Integer fixed-point arithmetic (Q4.28 in i64) only, so every machine
// computes the same bytes. stdout gets the size, the count of points inside and a checksum.
import { args, eprint, exit, preopen, print, writeFile } from "../../lib/assembly/wasi"

const FRAC: i64 = 28
const ONE: i64 = 1 << FRAC
const ESCAPE: i64 = 4 << FRAC

function parseArg(a: string[], i: i32, fallback: i32): i32 {
  if (a.length <= i) return fallback
  const s = a[i]
  if (s.length == 0 || s.length > 6) return -1
  let v = 0
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c < 48 || c > 57) return -1
    v = v * 10 + (c - 48)
  }
  return v
}

function main(): u32 {
  const a = args()
  const width = parseArg(a, 0, 320)
  const height = parseArg(a, 1, 240)
  const maxIter = parseArg(a, 2, 256)
  if (width < 1 || width > 8192 || height < 1 || height > 8192 || maxIter < 1 || maxIter > 100000) {
    eprint("usage: mandelbrot [WIDTH HEIGHT MAXITER]   (1..8192, 1..8192, 1..100000)\n")
    return 2
  }
  const output = preopen("/output")
  if (output < 0) {
    eprint("mandelbrot needs the /output directory\n")
    return 2
  }
  const header = String.UTF8.encode("P5\n" + width.toString() + " " + height.toString() + "\n255\n")
  const headerLen = header.byteLength
  const image = new Uint8Array(headerLen + width * height)
  memory.copy(image.dataStart, changetype<usize>(header), headerLen)

  // x0 = -2.5 + 3.5 * px / width, y0 = -1.25 + 2.5 * py / height, in Q4.28
  const xMin: i64 = -(5 * ONE) / 2
  const yMin: i64 = -(5 * ONE) / 4
  let inside: i64 = 0
  let checksum: u32 = 2166136261 // FNV-1a over the pixels
  for (let py = 0; py < height; py++) {
    const y0 = yMin + (5 * ONE / 2) * <i64>py / <i64>height
    for (let px = 0; px < width; px++) {
      const x0 = xMin + (7 * ONE / 2) * <i64>px / <i64>width
      let x: i64 = 0
      let y: i64 = 0
      let x2: i64 = 0
      let y2: i64 = 0
      let n = 0
      while (n < maxIter && x2 + y2 <= ESCAPE) {
        y = ((x * y) >> (FRAC - 1)) + y0 // 2xy + y0
        x = x2 - y2 + x0
        x2 = (x * x) >> FRAC
        y2 = (y * y) >> FRAC
        n++
      }
      let shade: u8 = 0
      if (n < maxIter) {
        // fast escape = dark, slow escape = bright, on a log scale so that the halo shows;
        // AssemblyScript's Math.log is compiled into the module (not the host's), so the
        // shade is the same on every machine
        shade = <u8>(24 + <i32>(231 * Math.log(<f64>(n + 1)) / Math.log(<f64>(maxIter + 1))))
      } else {
        inside++
      }
      unchecked(image[headerLen + py * width + px] = shade)
      checksum = (checksum ^ shade) * 16777619
    }
  }
  if (!writeFile(output, "mandelbrot.pgm", image)) return 1
  print("mandelbrot " + width.toString() + "x" + height.toString() + " maxIter " + maxIter.toString() +
    ": " + inside.toString() + " points inside, pixel checksum " + checksum.toString() + "\n")
  return 0
}

exit(main())
