// The top-level commands: each one's name, its line in `hive --help`, and how to load the module
// that adds the rest (subcommands, options, actions). `hive` imports only the module of the
// command it runs, so `hive --version` and `hive --help` import none of them, and `hive job list`
// never pays for the libp2p, ethers or hardhat imports of commands it does not run.
// A new command: a module exporting a RegisterCommand, and one line here.
import type { Command } from 'commander'
import type { CommandContext } from '../context.ts'
import type { RunCli } from '../devnet/cli.ts'

export type ContextFor = (cmd: Command) => CommandContext
/**
 * Adds a command's subcommands, options and actions to `command`, already named and described.
 * `runCli` runs a whole command line (the demo runs its one-shot commands through it); it is
 * handed in so that no command module imports the command line that loads it.
 */
export type RegisterCommand = (command: Command, context: ContextFor, runCli: RunCli) => void

export interface CommandEntry {
  name: string
  description: string
  /** the command itself takes options: `hive --help` shows "[options]" before they are loaded */
  options?: true
  load: () => Promise<RegisterCommand>
}

/** In `hive --help` order. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    description: 'create the data dir, the peer key, config.json and the API token (keeps whatever exists)',
    options: true,
    load: async () => (await import('./init.ts')).registerInitCommand,
  },
  {
    name: 'node',
    description: "run this machine's node",
    load: async () => (await import('./node.ts')).registerNodeCommands,
  },
  {
    name: 'hw',
    description:
      'show the hardware profile this node advertises (or, with no node running, read this machine ' + 'directly)',
    load: async () => (await import('./hw.ts')).registerHwCommand,
  },
  {
    name: 'peers',
    description: 'list the peers the running node is connected to',
    load: async () => (await import('./peers.ts')).registerPeersCommand,
  },
  {
    name: 'providers',
    description: 'find providers in the network by capability (through the running node)',
    options: true,
    load: async () => (await import('./providers.ts')).registerProvidersCommand,
  },
  {
    name: 'job',
    description: 'post jobs and read their results (through the running node)',
    load: async () => (await import('./job.ts')).registerJobCommands,
  },
  {
    name: 'earnings',
    description: 'what this node earned as a provider: paid and pending, fees, gas (through the running node)',
    options: true,
    load: async () => (await import('./earnings.ts')).registerEarningsCommand,
  },
  {
    name: 'stats',
    description: 'how jobs ended: success, failure and timeout counts per reason, as requester and provider',
    options: true,
    load: async () => (await import('./earnings.ts')).registerStatsCommand,
  },

  {
    name: 'channel',
    description: 'payment channels of the running node (many jobs, two transactions)',
    load: async () => (await import('./channel.ts')).registerChannelCommands,
  },
  {
    name: 'escrow',
    description: 'per-job escrows of the running node',
    load: async () => (await import('./escrow.ts')).registerEscrowCommands,
  },
  {
    name: 'slash',
    description: 'slash a provider that signed two different outputs for one job, with the evidence this node kept',
    options: true,
    load: async () => (await import('./slash.ts')).registerSlashCommand,
  },
  {
    name: 'wallet',
    description: "this node's Ethereum account: address, ETH and HIVE balances, stake, open channels",
    options: true,
    load: async () => (await import('./wallet.ts')).registerWalletCommands,
  },
  {
    name: 'stake',
    description: 'stake HIVE so that this node may bid as a provider',
    load: async () => (await import('./stake.ts')).registerStakeCommands,
  },
  {
    name: 'token',
    description: 'HIVE balances, transfers and vote delegation',
    load: async () => (await import('./token.ts')).registerTokenCommands,
  },
  {
    name: 'gov',
    description: 'propose, vote on and execute changes to the protocol (HIVE holders)',
    load: async () => (await import('./gov.ts')).registerGovCommands,
  },
  {
    name: 'devnet',
    description:
      'the whole story on an embedded devnet (same as `npm run demo`); `mine` and `time` move a local ' +
      "devnet's chain (chain id 31337 only)",
    options: true,
    load: async () => (await import('./devnet.ts')).registerDevnetCommands,
  },
  {
    name: 'dashboard',
    description: "print (--open: open) a one-time login URL for the running node's web dashboard",
    options: true,
    load: async () => (await import('./dashboard.ts')).registerDashboardCommand,
  },
  {
    name: 'audit',
    description: "the node's tamper-evident audit log, its on-chain anchors, and verifying anyone's",
    load: async () => (await import('./audit.ts')).registerAuditCommands,
  },
]

// Global options that take a value: their value is never the command's name.
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--data-dir', '--node'])

/**
 * The top-level command an argument list runs (`help <command>` counts as that command), or
 * undefined when it names none: `hive`, `hive --help`, `hive --version`, a typo.
 */
export function commandFor(argv: readonly string[]): CommandEntry | undefined {
  const words: string[] = []
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]
    if (arg === '--') break
    if (arg.startsWith('-')) {
      if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++
      continue
    }
    words.push(arg)
    if (arg !== 'help') break
  }
  const name = words[0] === 'help' ? words[1] : words[0]
  return COMMANDS.find((c) => c.name === name)
}
