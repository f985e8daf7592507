// Layering and import cycles, checked by `npm test` (scripts/test/run.ts) and by
// `npx depcruise --config .dependency-cruiser.cjs protocol node cli scripts test examples/build.ts`.
// The layers, bottom up (docs/architecture.md draws them):
//   protocol/  the network's language: pure (no disk, sockets or node internals), imports nothing above it
//   node/      the daemon's services (market, payments, audit, chain, p2p, blobs, exec, api …)
//   cli/       the `hive` commands and the devnet demo they run (cli/devnet/)
//   scripts/   thin entry points for npm scripts (deploy, demo, bench, test runner)
// Type-only imports count (tsPreCompilationDeps): a type cycle is still two modules that cannot be
// read, tested or moved one without the other.

// What protocol/ may import besides itself: node:crypto (hashing only) and packages that
// compute without I/O.
const PURE_PACKAGES = [
  '@libp2p/interface',
  '@libp2p/peer-id',
  '@libp2p/crypto',
  '@libp2p/utils',
  '@multiformats/multiaddr',
  'multiformats',
  'ethers',
  'protons-runtime',
  'uint8arraylist',
  'uint8arrays',
]
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles, type-only imports included. Break one with a small interface (port) file ' +
        'that the lower module owns (e.g. node/market/ports.ts, node/payments/api-port.ts).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-cycle-between-services',
      severity: 'error',
      comment:
        "The node's service folders depend on each other in one direction only (audit -> market, " +
        'payments -> market, audit -> payments (its journal port), audit' +
        " -> chain): a service that must learn of another's " +
        'progress declares a port or subscribes to events. No known exceptions.',
      scope: 'folder',
      // an edge from one service folder to another that lies on a cycle; a folder cycle through
      // node/api or node/p2p alone is not between services (module cycles are caught above)
      from: { path: '^node/(market|payments|audit|chain)$' },
      to: { path: '^node/(market|payments|audit|chain)$', circular: true },
    },
    {
      name: 'cli-not-to-peer-key',
      severity: 'error',
      comment:
        "No command reads the node's peer key file itself: it asks the node through the typed " +
        'client, or node/chain (e.g. nodeStakePeerId) where a command must work without a running node.',
      from: { path: '^cli/' },
      to: { path: '^node/p2p/identity\\.ts$' },
    },
    {
      name: 'api-not-to-services',
      severity: 'error',
      comment:
        "node/api (the server, its router and the route table the CLI's client shares) imports no " +
        'service: the services register their routes with it, so an import back closes a cycle between ' +
        'services through node/api. The shapes routes return live in node/api/contract/views/ (or ' +
        'protocol/), and the services import them from there.',
      from: { path: '^node/api/' },
      to: { path: '^node/(market|payments|audit|chain)/' },
    },
    {
      name: 'protocol-is-pure',
      severity: 'error',
      comment:
        'protocol/ defines the wire language once, for every layer: no sockets, disk, clocks or ' +
        'processes, and nothing from the layers above it.',
      from: { path: '^protocol/' },
      to: {
        pathNot: [
          '^protocol/',
          '^(node:)?crypto$',
          `(^|/)node_modules/(${PURE_PACKAGES.map(escapeRegExp).join('|')})/`,
        ],
      },
    },
    {
      name: 'node-not-to-cli-scripts-tests',
      severity: 'error',
      comment:
        'The daemon is a library the CLI, scripts and tests use, never the other way round ' +
        '(e.g. the deployment schema lives in node/chain/, not in scripts/deploy.ts).',
      from: { path: '^node/' },
      to: { path: '^(cli|scripts|test|examples)/' },
    },
    {
      name: 'sdk-only-through-the-contract',
      severity: 'error',
      comment:
        "The SDK (sdk/) talks to a running node through its local API only: of the node's code it imports " +
        'the route table and the shapes it returns (node/api/contract/), never services, the CLI or tests.',
      from: { path: '^sdk/' },
      to: { path: '^(node|cli|scripts|test|examples)/', pathNot: '^node/api/contract/' },
    },
    {
      name: 'sdk-examples-through-the-sdk',
      severity: 'error',
      comment: "The SDK's example programs use what a user of the SDK has: sdk/, nothing else of this repository.",
      from: { path: '^examples/sdk/' },
      to: { path: '^(node|cli|scripts|test|protocol)/' },
    },
    {
      name: 'nothing-builds-on-the-sdk',
      severity: 'error',
      comment: 'The SDK sits on top: the node, the CLI and the scripts do not depend on it.',
      from: { path: '^(protocol|node|cli|scripts)/' },
      to: { path: '^sdk/' },
    },
    {
      name: 'cli-not-to-scripts-tests',
      severity: 'error',
      comment: 'scripts/ are entry points that call into cli/ and node/; the CLI needs none of them.',
      from: { path: '^cli/' },
      to: { path: '^(scripts|test)/' },
    },
    {
      name: 'ui-only-through-the-api',
      severity: 'error',
      comment:
        'The dashboard (ui/) runs in a browser and talks to its node over HTTP: from the repository it ' +
        "may import only the API's route table (node/api/contract/, for types), nothing that runs in the node.",
      from: { path: '^ui/' },
      to: { path: '^(node|cli|scripts|test|protocol|examples)/', pathNot: '^node/api/contract/' },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // AssemblyScript sources compile to WASM with their own standard library
    exclude: { path: '^examples/.*/assembly/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // resolve packages through their "exports" like Node and tsc do (default conditions miss "import")
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
}
