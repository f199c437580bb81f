export default {
  displayName: '@hearth/example-hello-linear',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
