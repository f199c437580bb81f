export { OrtErrorCode, isOrtError, ortError } from './errors.js';
export type { OrtErrorCodeValue } from './errors.js';
export { EXECUTION_PROVIDERS, compileOrtOptions } from './ort-options.js';
export type {
  CompiledOrtOptions,
  ExecutionProviderName,
  GraphOptimizationLevel,
  OrtLogLevel,
  OrtSessionRunnerOptions,
  WorkerSessionOptions,
} from './ort-options.js';
export { coreDTypeOf, ortTypeOf } from './dtype-map.js';
export type { OrtTensorType } from './dtype-map.js';
export type { OrtValueInfo } from './value-info.js';
export { createOrtSessionRunner } from './ort-session-runner.js';
export type { OrtSessionRunner } from './ort-session-runner.js';
