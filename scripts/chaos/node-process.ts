// How a chaos scenario starts a node in a process of its own: with the memory settings `hive`
// gives every `hive node start` (cli/hive: 4 MB V8 semi-spaces, 2 glibc malloc arenas), so that
// the RSS a soak samples is the RSS users' nodes have — a child started with Node's defaults grew
// its young generation to 3 × 16 MB and held ~25 MB more (a provider's new space 33.6 MB vs
// 8.4 MB). Kept in step with cli/hive by hand: that file is POSIX sh and cannot import this one.
// The TypeScript runs through tsx (`--import=tsx`), which `hive` does not need (it runs dist/).

/** Node's flags for a node child: the script's own flags after these */
export function nodeChildArgs(script: string, args: readonly string[] = []): string[] {
  const young = /semi-space/.test(process.env.NODE_OPTIONS ?? '') ? [] : ['--max-semi-space-size=4']
  return [...young, '--import=tsx', script, ...args]
}

/** the child's environment: this process's, the malloc arena cap unless set, then `extra` */
export function nodeChildEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', ...extra }
}
