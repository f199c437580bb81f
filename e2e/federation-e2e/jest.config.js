export default {
  displayName: '@hearth/federation-e2e',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
  globalSetup: '<rootDir>/src/testing/build-daemons.ts',
  testTimeout: 150_000,
  maxWorkers: 1,
};
