export default {
  displayName: '@hearth/federation',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
