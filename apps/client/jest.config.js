export default {
  displayName: '@hearth/client',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
