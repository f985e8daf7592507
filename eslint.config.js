import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import stylistic from '@stylistic/eslint-plugin'

// Contracts are called through their TypeChain bindings (`registry.stakeOf(a)`, checked against the
// ABI), never `contract.getFunction('stakeOf')`, which takes any name and returns an untyped result
// the caller then casts. An ABI Interface's own `iface.getFunction(...)` (fragment lookup) is fine.
// test/node/structure/typed-contracts-rule.test.ts checks this fires.
const NO_GET_FUNCTION = {
  selector: "CallExpression[callee.property.name='getFunction'][callee.object.property.name!='interface']",
  message:
    'Call the contract through its typed binding (`contract.name(...)`,' +
    " node/chain/contracts.ts), not getFunction('name').",
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'artifacts/',
      'cache/',
      'types/',
      'dist/',
      'coverage/',
      'protocol/gen/',
      'examples/**/build/',
      'examples/**/assembly/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        WebAssembly: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        crypto: 'readonly',
      },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier formats (npm test checks it); it cannot wrap strings or comments, so this rule holds the 120-column
      // limit for everything, strings and template literals included (scripts/test/wrap-long-strings.ts wraps
      // those); only a URL or a regular expression may run past it. protocol/gen (generated) is not linted.
      '@stylistic/max-len': ['error', { code: 120, ignoreRegExpLiterals: true, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // One way to build a node: services are constructed only by their factories
    // (node/service.ts ServiceFactory, run by createHiveNode), which wire their dependencies and
    // start order. A `new MarketService(` anywhere else is a second wiring; a new service adds its
    // class here and its factory module below. test/node/structure/factory-rule.test.ts checks this fires.
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'NewExpression[callee.name=/^(MarketService|PaymentsService|AuditService|ChainService|MetricsService)$/]',
          message: 'Build services through their factory (e.g. marketService()) and createHiveNode, not with `new`.',
        },
        NO_GET_FUNCTION,
      ],
    },
  },
  {
    // the factory modules: each constructs its own service
    files: [
      'node/market/service.ts',
      'node/payments/service.ts',
      'node/audit/index.ts',
      'node/chain/service.ts',
      'node/metrics/service.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', NO_GET_FUNCTION] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
