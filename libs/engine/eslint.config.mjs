import base from '../../eslint.config.mjs';

export default [
  ...base,
  { files: ['**/*.spec.ts', 'src/testing/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
];
