// Lint: typescript-eslint's recommended rules, plus the few habits STYLE.md asks for.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.node/', 'bench/results/', 'coverage/', 'dist/', 'src/console/ui/dist/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Imports name a file (graphql-js's no-dir-import): never a bare directory.
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.{1,2}(/[^.]*)?$', message: 'Import a file (with its .ts extension), not a directory.' }] }],
    },
  },
);
