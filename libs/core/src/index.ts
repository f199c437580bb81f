export { CoreErrorCode, HearthError, isHearthError, toError } from './errors.js';
export type { CoreErrorCodeValue, HearthErrorOptions } from './errors.js';
export type { JsonObject, JsonValue } from './json.js';
export {
  DTYPES,
  allocData,
  bytesPerElement,
  cloneParamMap,
  cloneTensor,
  f32,
  f64,
  isDType,
  isFloatDType,
  numelOf,
  paramMapByteLength,
  paramMapsEqual,
  tensor,
  tensorsEqual,
  viewData,
  zeros,
} from './param-map.js';
export type { DType, DTypeArrayMap, ParamMap, Tensor, TensorData } from './param-map.js';
export type { ParamSource, TensorSpec } from './param-source.js';
export { DataKind, Dxo, MetaKey, TENSOR_KINDS } from './dxo.js';
export type { DataKindValue, DxoInit } from './dxo.js';
export { HeaderKey, ReturnCode, Shareable } from './shareable.js';
export type { ReturnCodeValue, ShareableInit } from './shareable.js';
export { ContextKey } from './context-key.js';
export { EventType } from './events.js';
export type { EventTypeValue } from './events.js';
export { FLContext, FLContextManager } from './fl-context.js';
export type { FLContextInit, PropOptions } from './fl-context.js';
export type { AnalyticsPoint, EngineSpec } from './engine-spec.js';
export { FLComponent, isFLComponent } from './fl-component.js';
export { TaskCompletionStatus } from './task.js';
export type { ClientTask, Task, TaskCompletionStatusValue } from './task.js';
export { Executor } from './executor.js';
export { Filter } from './filter.js';
export { Aggregator } from './aggregator.js';
export { ModelPersistor } from './persistor.js';
export { createLogger, silentLogger } from './logger.js';
export { SeededRandom } from './seeded-random.js';
export type { Logger, LoggerOptions } from './logger.js';
export { schemaProblem } from './schema-problem.js';
export { resolveInside, writeFileAtomic, writeJsonAtomic } from './files.js';
export type { AtomicWriteOptions } from './files.js';
export type { ResolveInsideOptions } from './files.js';
