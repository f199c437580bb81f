export { EngineErrorCode, engineError } from './errors.js';
export type { EngineErrorCodeValue } from './errors.js';
export { EngineContextKey } from './context-keys.js';
export type { FilterBinding } from './filter-binding.js';
export type { ServerApp } from './server-app.js';
export type { ClientApp, ExecutorBinding } from './client-app.js';
export { isStatefulExecutor } from './stateful-executor.js';
export type { StatefulExecutor } from './stateful-executor.js';
export { isShareableCodec } from './shareable-codec.js';
export type { ShareableCodec } from './shareable-codec.js';
export type { EngineEvent, EngineEventListener } from './engine-event.js';
export { EngineEventType } from './engine-event-type.js';
export type { EngineEventTypeValue } from './engine-event-type.js';
export { decodeAnalyticsMessage, encodeAnalyticsMessage } from './analytics-message.js';
export type { AnalyticsMessage, AnalyticsRecord } from './analytics-message.js';
export type { AnalyticsBatch } from './analytics-batch.js';
export type { AnalyticsStreamOptions, AnalyticsStreamStats } from './analytics-stream.js';
export { metricsLineProblem } from './metrics-line.js';
export type { MetricsLine } from './metrics-line.js';
export { MetricsWriter } from './metrics-writer.js';
export type { MetricsWriterOptions } from './metrics-writer.js';
export { ClientLeftReason } from './transport.js';
export type {
  ClientLeftReasonValue,
  ClientTransport,
  ClientTransportHandler,
  DeferredTaskMessage,
  ResultMessage,
  ServerTransport,
  ServerTransportHandler,
  TaskMessage,
} from './transport.js';
export { InProcServerTransport } from './inproc-transport.js';
export type { InProcClientTransport, InProcTransportOptions } from './inproc-transport.js';
export { RunStatus } from './run-outcome.js';
export type { RunOutcome, RunStatusValue } from './run-outcome.js';
export { ServerEngine } from './server-engine.js';
export type { ServerEngineOptions } from './server-engine.js';
export { ClientEngine } from './client-engine.js';
export type { ClientEngineOptions } from './client-engine.js';
export { Simulator } from './simulator.js';
export type { SimulationResult, SimulatorOptions } from './simulator.js';
