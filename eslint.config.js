// @ts-check
/**
 * One flat config for the whole workspace (`pnpm lint`, and the first step of `pnpm test`). Kept small: the
 * recommended rules that already hold, import cycles, and the server's layers (STYLE.md: modules per feature, the
 * composition root in deps.ts and app.ts).
 */
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Files that test or support tests: they may reach into any module to set it up. */
const testFiles = ['**/*.test.ts', '**/*.test-utils.ts', '**/test-utils/**'];

/**
 * The pages' browser code (web/client, bundled by web.assets.ts) is served by the server, never run by it. Words
 * that both the page's script and the server's rendering of the page use live in @perch/shared.
 */
const browserAssets = {
  regex: '(^|/)(web/)?(assets|client)/',
  message:
    'Server code does not import the browser assets: they are served, not run, by the server.',
};
const compositionRoot = (who) => ({
  regex: '^(\\.\\./)+(app|deps|index)\\.ts$',
  message: `${who} never imports the composition root (app.ts, deps.ts, index.ts); deps.ts passes it what it needs.`,
});
const restrictImports = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/.output/',
      '**/.output-e2e/',
      '**/.wxt/',
      '**/migrations/',
      'test/artifacts/',
      '.perch/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` says "unused on purpose" (a callback's leading parameters, a destructured field left out).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // `let { response, used } = …` where only response is assigned again stays one statement.
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    // Tests read X's loosely typed JSON (the fake X's answers, page globals) without declaring all of it.
    files: ['test/**/*.ts', ...testFiles],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['server/src/modules/web/client/**/*.ts', 'extension/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['extension/**/*.ts'],
    languageOptions: { globals: { ...globals.webextensions } },
  },

  // Import cycles, across the whole workspace: the TypeScript resolver follows .ts paths and the workspace packages'
  // exports (@perch/shared), like tsc; the packages' tsconfigs declare no path aliases, so it needs none of them.
  {
    plugins: { 'import-x': importX },
    settings: {
      // Without these import-x reads only .js files, and sees no cycle through TypeScript.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },

  // The server's layers. Tests and their helpers are exempt: they build the app and reach into modules to set it up.
  // Each file gets one list (a later block's options replace an earlier one's), so each list says everything.
  {
    files: ['server/src/**/*.ts'],
    ignores: [...testFiles, 'server/src/modules/web/client/**'],
    rules: restrictImports(browserAssets),
  },
  {
    files: ['server/src/lib/**/*.ts'],
    ignores: testFiles,
    rules: restrictImports(browserAssets, compositionRoot('lib/'), {
      regex: '^\\.\\./(modules|jobs)/',
      message: 'lib/ is below the modules: it never imports one, nor the jobs that run them.',
    }),
  },
  {
    files: ['server/src/modules/**/*.ts'],
    ignores: [...testFiles, 'server/src/modules/web/client/**'],
    rules: restrictImports(browserAssets, compositionRoot('A module'), {
      regex: '^\\.\\./[^/]+/[^/]+\\.(queries|routes|jobs)\\.ts$',
      message:
        "Another module's queries, routes and jobs are its own: use its service, types, table or errors; deps.ts, app.ts and jobs/registry.ts wire the rest.",
    }),
  },
);
