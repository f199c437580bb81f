export default {
  displayName: '@hearth/workflow',
  preset: '../../jest.preset.js',
  rootDir: import.meta.dirname,
};
