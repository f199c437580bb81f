/** Shared Jest settings: swc transform, node environment, workspace sources through the @hearth/source condition. */
export default {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@hearth/source', 'node', 'require', 'default'] },
  resolver: '@nx/jest/plugins/resolver',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // A safety net against hangs, not a speed check: ORT training tests take seconds on 2 loaded cores.
  testTimeout: 60_000,
  transform: {
    '^.+\\.[cm]?[tj]s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|cookie|typebox|onnx-buf|@bufbuild)/)'],
};
