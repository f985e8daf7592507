import type { Command } from 'commander'
import { HiveError } from '../../protocol/errors.ts'
import type { CommandContext } from '../context.ts'

// placeholder until node/node.ts lands
export function registerNodeCommands (program: Command, _context: (cmd: Command) => CommandContext): void {
  const node = program.command('node').description('run a node')
  node.command('start').action(() => { throw new HiveError('NOT_IMPLEMENTED', 'hive node start is not implemented yet') })
}
