import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Layering: apps may use every lib; feature libs use feature and core libs; core libs use only core libs.
 * Examples are user code: they may use anything a job author may use, never an app.
 */
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:core', 'type:example'] },
  { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['type:feature', 'type:core'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:core'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:feature', 'type:core', 'type:example'] },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/*.tsbuildinfo'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: true, allow: [], depConstraints },
      ],
      'no-restricted-imports': ['error', { patterns: ['@hearth/*/src/*', '../../libs/*', '../../apps/*'] }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      'max-params': ['error', 4],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off', 'max-params': 'off' },
  },
  {
    files: ['**/package.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        { ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs}', '{projectRoot}/jest.config.{js,cjs,mjs}', '{projectRoot}/**/*.spec.ts'] },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
  { ...tseslint.configs.disableTypeChecked, files: ['**/*.js', '**/*.mjs', '**/*.cjs'] },
];
