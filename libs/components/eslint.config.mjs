import base from '../../eslint.config.mjs';

export default [...base, { files: ['**/*.spec.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } }];
