import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.venv/', '.data/', '.tools/', 'bin/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Activities and handlers are async by contract even when today's body is not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any` by jest itself.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Workflow code is replayed by Temporal: it must not reach Node built-ins or the wall clock.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'http', 'https', 'crypto', 'child_process'],
              message: 'Workflows do no I/O.',
            },
            {
              group: ['@aws-sdk/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflows reach the world only through activities.',
            },
            {
              group: ['../activities', '../activities/*'],
              importNames: ['*'],
              message: 'Import activities as types only.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time via the SDK.' },
        { object: 'Math', property: 'random', message: "Use the SDK's deterministic random." },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null },
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
  prettier,
);
