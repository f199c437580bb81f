export default {
  displayName: '@hearth/engine',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
