export default {
  displayName: '@hearth/server',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
