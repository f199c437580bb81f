export default {
  displayName: '@hearth/job',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
