export default {
  displayName: '@hearth/codec',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
