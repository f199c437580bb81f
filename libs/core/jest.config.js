export default {
  displayName: '@hearth/core',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
