export default {
  displayName: '@hearth/cli',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
