// The numeric-tolerance fields of an `onnx` job (issue 18): how far outputs of different providers
// may differ and still count as the same answer, and how many intra-op threads a run uses. The
// numbers travel as decimal strings so that the signed spec (whose hash is the job id) has one
// encoding for them; they are parsed to doubles only to compare tensors.
import { fail } from './errors.ts'
import { checkRange, checkText } from './fields.ts'
import type { JobSpec, OutputTolerance } from '../gen/market.ts'

/** the executor class whose outputs may be compared within a tolerance */
export const ONNX_EXECUTOR = 'onnx'

export const TOLERANCE_BOUNDS = {
  /** must match the (protons.options).limit of JobSpec.tolerances in market.proto */
  maxTolerances: 64,
  /** '' (the default entry) or an output name that is also a safe file name (`<name>.npy`) */
  outputName: /^((?!\.{1,2}$)[A-Za-z0-9._:-]{1,128})?$/,
  /** a non-negative decimal: digits, an optional fraction, an optional exponent; no sign, no hex */
  number: /^(0|[1-9][0-9]{0,19})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?$/,
  maxNumberLength: 48,
  /** beyond this any two finite numbers agree: a requester who wants no check posts k = 1 */
  maxValue: 1e30,
  /** intra-op threads a job may ask for (0 = 1) */
  threads: { min: 0, max: 64 },
} as const

export interface Tolerance {
  atol: number
  rtol: number
}

export interface JobTolerances {
  /** for outputs not named in `byOutput` */
  fallback: Tolerance
  byOutput: ReadonlyMap<string, Tolerance>
}

export const EXACT: Tolerance = Object.freeze({ atol: 0, rtol: 0 })

function parseNumber(text: string, field: string): number {
  checkText(text, field, TOLERANCE_BOUNDS.maxNumberLength, TOLERANCE_BOUNDS.number)
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > TOLERANCE_BOUNDS.maxValue) {
    fail('INVALID_FIELD', `${field} must be a decimal within 0..${TOLERANCE_BOUNDS.maxValue}`, {
      field,
      value: text.slice(0, 80),
    })
  }
  return value
}

/** '' in a tolerance field means 0 (proto3's default) */
function parseOptional(text: string, field: string): number {
  return text === '' ? 0 : parseNumber(text, field)
}

/**
 * Checks the tolerance and thread fields of a spec (part of checkJobSpec). Tolerances are for
 * `onnx` jobs only; names are unique; numbers finite, ≥ 0, bounded. An exact job (no tolerance,
 * or every one zero) is compared by CID, which needs a deterministic run: one intra-op thread.
 */
export function checkToleranceFields(spec: Pick<JobSpec, 'executor' | 'tolerances' | 'limits'>): JobTolerances {
  const threads = spec.limits?.threads ?? 0
  checkRange(threads, 'limits.threads', TOLERANCE_BOUNDS.threads, 'LIMITS_OUT_OF_RANGE')
  if (spec.executor !== ONNX_EXECUTOR) {
    if (spec.tolerances.length > 0)
      fail('INVALID_FIELD', `tolerances apply to ${ONNX_EXECUTOR} jobs only`, {
        field: 'tolerances',
        executor: spec.executor,
      })
    if (threads > 1)
      fail('INVALID_FIELD', `limits.threads applies to ${ONNX_EXECUTOR} jobs only`, {
        field: 'limits.threads',
        value: threads,
      })
    return { fallback: EXACT, byOutput: new Map() }
  }
  const tolerances = parseTolerances(spec.tolerances)
  if (threads > 1 && isExact(tolerances)) {
    fail(
      'INVALID_FIELD',
      'an exact (zero-tolerance) job needs limits.threads 1: threaded runs differ in the last bits',
      {
        field: 'limits.threads',
        value: threads,
      },
    )
  }
  return tolerances
}

/** The tolerances of a spec's entries (checked: throws the MarketValidationError a peer would). */
export function parseTolerances(entries: readonly OutputTolerance[]): JobTolerances {
  if (entries.length > TOLERANCE_BOUNDS.maxTolerances) {
    fail('INVALID_FIELD', `at most ${TOLERANCE_BOUNDS.maxTolerances} tolerances`, {
      field: 'tolerances',
      length: entries.length,
    })
  }
  let fallback: Tolerance = EXACT
  const byOutput = new Map<string, Tolerance>()
  const seen = new Set<string>()
  entries.forEach((t, i) => {
    checkText(t.output, `tolerances[${i}].output`, 128, TOLERANCE_BOUNDS.outputName)
    if (seen.has(t.output))
      fail('INVALID_FIELD', `tolerance for output '${t.output}' appears twice`, {
        field: `tolerances[${i}].output`,
        value: t.output,
      })
    seen.add(t.output)
    const tol = {
      atol: parseOptional(t.atol, `tolerances[${i}].atol`),
      rtol: parseOptional(t.rtol, `tolerances[${i}].rtol`),
    }
    if (t.output === '') fallback = tol
    else byOutput.set(t.output, tol)
  })
  return { fallback, byOutput }
}

/** whether every tolerance is zero: outputs must then be byte-identical (the CID rule) */
export function isExact(t: JobTolerances): boolean {
  const zero = (x: Tolerance): boolean => x.atol === 0 && x.rtol === 0
  return zero(t.fallback) && [...t.byOutput.values()].every(zero)
}

export function toleranceFor(t: JobTolerances, output: string): Tolerance {
  return t.byOutput.get(output) ?? t.fallback
}

/** whether the spec's outputs are voted within a tolerance (an onnx job with a non-zero one) */
export function votesByTolerance(spec: Pick<JobSpec, 'executor' | 'tolerances'>): boolean {
  return spec.executor === ONNX_EXECUTOR && !isExact(parseTolerances(spec.tolerances))
}
