export default {
  displayName: '@hearth/ort-runtime',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
