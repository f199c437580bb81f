import base from '../../eslint.config.mjs';

/** Spec helpers (src/testing) and benchmark scripts (scripts) drive onnxruntime-node directly; neither is part of the published lib. */
export default [
  ...base,
  {
    files: ['**/package.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          ignoredFiles: [
            '{projectRoot}/eslint.config.{js,cjs,mjs}',
            '{projectRoot}/jest.config.{js,cjs,mjs}',
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/src/testing/**',
            '{projectRoot}/scripts/**',
          ],
        },
      ],
    },
  },
];
