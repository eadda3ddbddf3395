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
          ].map((name) => ({ name, message: 'The core reaches I/O only through the injected Env.' })),
        },
      ],
    },
  },
);
