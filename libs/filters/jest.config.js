export default {
  displayName: '@hearth/filters',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
