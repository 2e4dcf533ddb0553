// Lint rules. The core (src/core) is pure: no I/O, no clock, no randomness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path', 'node:path', 'net', 'node:net',
  'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process',
  'os', 'node:os', 'process', 'node:process', 'readline', 'node:readline', 'stream', 'node:stream',
  'worker_threads', 'node:worker_threads', 'dgram', 'node:dgram', 'dns', 'node:dns',
  'better-sqlite3', 'pg', 'kysely', 'fastify',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'The core does no I/O: move this to log/app/cli.' })),
        patterns: [{ group: ['../log/*', '../app/*', '../cli/*', '../http/*', '../warn/*'], message: 'The core depends on nothing below it.' }],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'The core reads no environment.' },
        { name: 'console', message: 'The core prints nothing.' },
        { name: 'setTimeout', message: 'The core has no timers.' },
        { name: 'fetch', message: 'The core does no I/O.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The core reads no clock: take the instant as an argument.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The core reads no clock: take the instant as an argument.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The core has no randomness.' },
      ],
    },
  },
  {
    // The watch floor talks to the server only through the public API, and renders untrusted
    // text (report text, titles) as text, never as markup.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/src/core/*', '**/src/app/*', '**/src/http/*', '**/src/log/*', '**/src/warn/*', '**/src/cli/*'], message: 'The web UI depends on the HTTP API only.' }],
      }],
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Untrusted text is rendered as text: no dangerouslySetInnerHTML.' },
        { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Untrusted text is rendered as text: no innerHTML.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Untrusted text is rendered as text: no insertAdjacentHTML.' },
      ],
    },
  },
);
