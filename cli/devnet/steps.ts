// The demo as a list of named, timed steps (demo-steps.ts lists them); the runner shows
// progress, stops at the first failure and says which step failed.
import ora from 'ora'
import type { Ora } from 'ora'
import { formatDuration } from '../format.ts'

export interface StepProgress {
  /** replaces the step's progress line (a spinner on a terminal, a plain line otherwise) */
  update: (text: string) => void
  /** prints a block (e.g. a table) under the step */
  print: (text: string) => void
}

export interface Step<C> {
  name: string
  /** returns a one-line outcome for the summary */
  run: (ctx: C, progress: StepProgress) => Promise<string | undefined | void>
}

export interface StepOutcome {
  name: string
  ms: number
  ok: boolean
  summary?: string
  error?: unknown
}

export interface StepUi {
  start: (index: number, total: number, name: string) => StepProgress
  done: (outcome: StepOutcome) => void
}

export async function runSteps<C>(
  steps: Array<Step<C>>,
  ctx: C,
  ui: StepUi,
  signal?: AbortSignal,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = []
  for (const [i, step] of steps.entries()) {
    if (signal?.aborted === true) {
      outcomes.push({ name: step.name, ms: 0, ok: false, error: signal.reason })
      ui.done(outcomes.at(-1)!)
      break
    }
    const progress = ui.start(i + 1, steps.length, step.name)
    const t0 = performance.now()
    try {
      const running = step.run(ctx, progress)
      // an interrupt ends the step at once (teardown then stops what it was waiting on)
      running.catch(() => {})
      const summary = signal == null ? await running : await Promise.race([running, aborted(signal)])
      outcomes.push({
        name: step.name,
        ms: performance.now() - t0,
        ok: true,
        ...(typeof summary === 'string' ? { summary } : {}),
      })
    } catch (error) {
      outcomes.push({ name: step.name, ms: performance.now() - t0, ok: false, error })
    }
    ui.done(outcomes.at(-1)!)
    if (!outcomes.at(-1)!.ok) break
  }
  return outcomes
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason)
    else
      signal.addEventListener(
        'abort',
        () => {
          reject(signal.reason)
        },
        { once: true },
      )
  })
}

/** Spinners on a terminal, one plain line per event otherwise (CI logs, pipes). */
export function consoleStepUi(out: NodeJS.WriteStream = process.stdout): StepUi {
  // a pseudo-terminal that reports no width (some CI runners, `script` without a size) makes a
  // spinner's line arithmetic go wild: plain lines there too
  const tty = out.isTTY === true && (out.columns ?? 0) > 0
  let spinner: Ora | undefined
  let label = ''
  return {
    start(index, total, name) {
      label = `[${index}/${total}] ${name}`
      if (tty) spinner = ora({ text: label, stream: out }).start()
      else out.write(`${label} …\n`)
      return {
        update(text) {
          if (spinner != null) spinner.text = `${label}: ${text}`
          else out.write(`    ${text}\n`)
        },
        print(text) {
          if (spinner != null) {
            spinner.clear()
            out.write(text + '\n')
            spinner.render()
          } else {
            out.write(text + '\n')
          }
        },
      }
    },
    done(o) {
      const line =
        `${label} ${o.ok ? 'done' : 'FAILED'} in ` +
        `${formatDuration(o.ms)}${o.summary != null ? `: ${o.summary}` : ''}`
      if (spinner != null) {
        if (o.ok) spinner.succeed(line)
        else spinner.fail(line)
        spinner = undefined
      } else {
        out.write(`${o.ok ? '✔' : '✖'} ${line}\n`)
      }
      if (!o.ok) out.write(`    ${o.error instanceof Error ? o.error.message : String(o.error)}\n`)
    },
  }
}
