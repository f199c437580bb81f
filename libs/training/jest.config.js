export default {
  displayName: '@hearth/training',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
