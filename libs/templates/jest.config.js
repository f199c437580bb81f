export default {
  displayName: '@hearth/templates',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
