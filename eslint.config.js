import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  // Type-aware: floating promises, misused promises, unsafe any and the like are errors.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `void promise` hides a rejection as well as an unawaited one: handle it, or say why it cannot fail.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      'no-console': 'error',
    },
  },
  // Plain JavaScript (bin, build scripts, the CommonJS recorder shim) is outside the TypeScript project.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // The --serve pages run in a browser.
  {
    files: ['src/serve/pages/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        navigator: 'readonly',
        EventSource: 'readonly',
        CSS: 'readonly',
        Blob: 'readonly',
      },
    },
  },
  { files: ['src/**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } } },
  { files: ['bench/**', 'test/**', 'bin/**', 'scripts/**'], rules: { 'no-console': 'off' } },
  {
    files: ['bench/**/*.ts', 'test/**/*.ts'],
    rules: {
      // Tests and benches read JSON from servers and logs and assert on its shape: `any` there is the point.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `void promise.then(...)` watches a run in progress; vitest fails the run on any unhandled rejection.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Fakes implement async interfaces without having anything to await.
      '@typescript-eslint/require-await': 'off',
      // Node's callback errors (ExecFileException) are Errors; the rule cannot see it through the union.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
);
