export { FiltersErrorCode } from './errors.js';
export type { FiltersErrorCodeValue } from './errors.js';
export { ExcludeVars } from './exclude-vars.js';
export type { ExcludeVarsOptions } from './exclude-vars.js';
export { NameMatcher } from './name-matcher.js';
