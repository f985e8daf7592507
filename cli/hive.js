#!/usr/bin/env node
// Entry point of the `hive` command. The sources are TypeScript; protons' generated codecs use
// namespaces and enums, which Node's built-in type stripping rejects, so we load them through
// tsx (a registry package) instead of an experimental Node flag.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`hive needs Node >= 22.13; this is Node ${process.versions.node}.`)
  console.error('Fix: run it as `npx hive ...` from the project folder (npm install put Node 22 in node_modules/.bin).')
  process.exit(1)
}
const { register } = await import('tsx/esm/api')
register()
await import('./main.ts')
