export { createBuiltinRegistry } from './builtin-registry.js';
export { ComponentsErrorCode } from './errors.js';
export { SafetensorsPersistor, SafetensorsPersistorArgs } from './safetensors-persistor.js';
