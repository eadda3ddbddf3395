// Lint rules: typescript-eslint's recommended set, plus the rule DESIGN.md hangs on — the deterministic core
// never reaches for the clock, randomness, timers, sockets, files or the process directly.
import tseslint from 'typescript-eslint';

const CORE_FOLDERS = [
  'src/protocol/**',
  'src/env/**',
  'src/node/**',
  'src/cluster/**',
  'src/sentinel/**',
  'src/sim/**',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: CORE_FOLDERS,
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'Date',
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'process',
          'performance',
          'queueMicrotask',
          'crypto',
          'Intl',
        ].map((name) => ({ name, message: 'The core gets time, timers and the process through the injected Env.' })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use env.random(): randomness is seeded in the simulation.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'net',
            'node:net',
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'child_process',
            'node:child_process',
            'dgram',
            'node:dgram',
            'tls',
            'node:tls',
            'os',
            'node:os',
            'process',
            'node:process',
            'timers',
            'node:timers',
            'worker_threads',
            'node:worker_threads',
          ]
            .map((name) => ({ name, message: 'The core reaches I/O only through the injected Env.' }))
            .concat(
              ['crypto', 'node:crypto'].map((name) => ({
                name,
                importNames: ['randomBytes', 'randomInt', 'randomUUID', 'randomFill', 'randomFillSync', 'webcrypto'],
                message: 'Use env.random(): randomness is seeded in the simulation.',
              })),
            ),
          patterns: [{ group: ['**/runtime/*'], message: 'The core must not depend on the realtime runtime.' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...[
          ['AwaitExpression', 'await'],
          ['FunctionDeclaration[async=true]', 'async functions'],
          ['FunctionExpression[async=true]', 'async functions'],
          ['ArrowFunctionExpression[async=true]', 'async functions'],
          ["NewExpression[callee.name='Promise']", 'new Promise'],
          ['ImportExpression', 'dynamic import()'],
          ["MemberExpression[object.name='globalThis']", 'globalThis'],
        ].map(([selector, what]) => ({
          selector,
          message: `No ${what} in the core: continuations would escape the event queue (see sim-client.ts).`,
        })),
      ],
    },
  },
);
