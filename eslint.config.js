// Lint rules, including the two layering rules of docs/ARCHITECTURE.md: only electron/main
// and electron/preload may import 'electron'; the renderer never imports the core.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  paths: [{ name: 'electron', message: "Only electron/main and electron/preload may import 'electron' (the core runs in plain Node)." }],
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', noElectron],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            { group: ['**/electron/core/**', '**/electron/host/**'], message: 'The renderer talks to the core only through the contract (shared/) and a client.' },
            { group: ['node:*'], message: 'The renderer never sees Node.' },
          ],
        },
      ],
    },
  },
);
