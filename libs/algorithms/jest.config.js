export default {
  displayName: '@hearth/algorithms',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
