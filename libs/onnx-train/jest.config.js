export default {
  displayName: '@hearth/onnx-train',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
  testEnvironment: '<rootDir>/jest-environment.cjs',
};
