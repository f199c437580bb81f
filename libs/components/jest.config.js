export default {
  displayName: '@hearth/components',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
