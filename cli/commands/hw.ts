import type { Command } from 'commander'
import type { HardwareSummary } from '../../node/controller.ts'
import { HiveApiClient } from '../client.ts'
import type { CommandContext } from '../context.ts'
import { NodeNotRunningError } from '../errors.ts'
import { hardwareTable } from '../format.ts'

/** What `hive hw --json` prints: the running node's profile, or this machine read directly. */
export interface HwOutput {
  source: 'node' | 'local'
  peerId?: string
  hardware: HardwareSummary
  executors?: string[]
  capabilities?: string[]
  issuedAt?: number
  expiresAt?: number
}

export function registerHwCommand(hw: Command, context: (cmd: Command) => CommandContext): void {
  hw.addHelpText('after', '\nExamples:\n  hive hw\n  hive --node ./provider-dir hw --json').action(
    async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd)
      let out: HwOutput
      try {
        const client = await HiveApiClient.forDataDir(ctx.dataDir)
        const p = await client.hardware()
        out = {
          source: 'node',
          peerId: p.peerId,
          hardware: p.hardware,
          executors: p.executors,
          capabilities: p.capabilities,
          issuedAt: p.issuedAt,
          expiresAt: p.expiresAt,
        }
      } catch (err) {
        if (!(err instanceof NodeNotRunningError)) throw err
        ctx.note(
          `no node is running for ${ctx.dataDir}: reading this machine's` +
            ` hardware directly (about a second for the CPU benchmark)`,
        )
        const { readLocalHardware } = await import('../local-hardware.ts')
        out = { source: 'local', hardware: await readLocalHardware() }
      }
      if (ctx.json) {
        ctx.printJson(out)
        return
      }
      ctx.say(
        out.source === 'node'
          ? 'hardware advertised by the running node:'
          : 'this machine (not advertised: no node is running):',
      )
      ctx.say(hardwareTable(out))
    },
  )
}
