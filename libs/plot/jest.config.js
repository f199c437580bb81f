export default {
  displayName: '@hearth/plot',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
