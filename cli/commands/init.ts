import type { Command } from 'commander'
import type { CommandContext } from '../context.ts'
import { addNodeSettingOptions, settingsFromFlags } from '../node-options.ts'
import type { NodeSettingFlags } from '../node-options.ts'

export function registerInitCommand(init: Command, context: (cmd: Command) => CommandContext): void {
  addNodeSettingOptions(init)
    .addHelpText(
      'after',
      '\nSetting flags are written into a new config.json; an existing one is left alone.\n\nExamples:\n' +
        '  hive init\n  hive --data-dir ./provider init --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…',
    )
    .action(async (opts: NodeSettingFlags, cmd: Command) => {
      const ctx = context(cmd)
      const { initDataDir } = await import('../../node/config.ts')
      const result = await initDataDir(ctx.dataDir, { settings: settingsFromFlags(opts) })
      if (ctx.json) {
        ctx.printJson(result)
        return
      }
      ctx.say(
        `${result.created.length === 0 ? 'already initialised' : 'initialised'}:` +
          ` ${result.dataDir} (peer id ${result.peerId})`,
      )
      for (const p of result.created) ctx.say(`  created  ${p}`)
      for (const p of result.kept) ctx.say(`  kept     ${p} (already existed)`)
      if (Object.keys(settingsFromFlags(opts)).length > 0 && !result.created.some((p) => p.endsWith('config.json'))) {
        ctx.note(
          'note: config.json already existed and was left as it is, so the setting flags' +
            ' were not written: edit it, or pass them to `hive node start`',
        )
      }
      ctx.say(`next: hive --data-dir ${result.dataDir} node start`)
    })
}
