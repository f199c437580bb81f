export default {
  displayName: '@hearth/comm',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
