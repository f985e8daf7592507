// The demo's steps, in order (issue 8): chain, nodes, jobs, audit, governance, summary.
import { auditStep } from './step-audit.ts'
import { chainStep } from './step-chain.ts'
import { jobsStep } from './step-jobs.ts'
import { governanceStep } from './step-gov.ts'
import { nodesStep } from './step-nodes.ts'
import { summaryStep } from './summary.ts'
import type { DemoContext } from './demo-context.ts'
import type { Step } from './steps.ts'

export function demoSteps(): Array<Step<DemoContext>> {
  return [chainStep, nodesStep, jobsStep, auditStep, governanceStep, summaryStep].map(withSay)
}

/** Lines a step says go under its progress line (above a spinner on a terminal). */
function withSay(step: Step<DemoContext>): Step<DemoContext> {
  return {
    name: step.name,
    run: async (ctx, progress) => {
      ctx.say = (text) => {
        progress.print(
          text
            .split('\n')
            .map((l) => `    ${l}`)
            .join('\n'),
        )
      }
      return await step.run(ctx, progress)
    },
  }
}
