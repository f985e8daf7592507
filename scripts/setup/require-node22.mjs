// Guard for `npm test`, `npm run demo` and `npm run bench`: say clearly what to do when the
// project runs under a Node that Hardhat 3 refuses.
const major = Number(process.versions.node.split('.')[0])
const minor = Number(process.versions.node.split('.')[1])
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`ComputeHive needs Node >= 22.13; this is Node ${process.versions.node}.`)
  console.error(
    'Fix: run `npm install` (it installs Node 22 into node_modules/.bin), then use `npm' +
      ' run ...` or node_modules/.bin/hive (which finds that Node itself).',
  )
  process.exit(1)
}
