export default {
  displayName: '@hearth/runner',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
