// ESLint (flat config): the recommended rules of ESLint and typescript-eslint (not the type-aware set: it
// takes minutes on this repo). `npm run lint`; `npm run lint:lines` fails on any line over 120 characters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '**/node_modules/**',
      'editors/vscode/out/**',
      'coverage/**',
      'runs/**',
      '**/*.wasm.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // a leading underscore marks a parameter or binding kept on purpose (an interface's shape, a key left out)
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `cond && f()` and `c ? f() : g()` as statements are this codebase's idiom for short side effects
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['test/**'],
    // tests read JSON documents and protocol payloads (LSP replies, manifests) whose shape is what they check
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
