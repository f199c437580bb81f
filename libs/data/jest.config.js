export default {
  displayName: '@hearth/data',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
