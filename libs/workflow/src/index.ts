export { WorkflowErrorCode, workflowError } from './errors.js';
export type { WorkflowErrorCodeValue } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export type { ControllerHost, PushTaskRequest, RevokeTaskRequest } from './controller-host.js';
export type { ClientTaskCallback, ControllerClientTask, ControllerTask, TaskDoneCallback } from './controller-task.js';
export { createTask } from './create-task.js';
export type { TaskInit } from './create-task.js';
export { SendOrder } from './task-options.js';
export type { BroadcastOptions, RelayOptions, SendOptions, SendOrderValue, WaitOptions } from './task-options.js';
export { Controller } from './controller.js';
export type { UnknownTaskResult } from './controller.js';
export { WorkflowContextKey } from './context-keys.js';
export { applyModelUpdate } from './apply-model-update.js';
export type { RoundSummary } from './round-summary.js';
export { isSnapshotStore } from './snapshot-store.js';
export type { SnapshotKey, SnapshotStore, WorkflowSnapshot } from './snapshot-store.js';
export { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
export { isModelLocator } from './model-locator.js';
export type { ModelLocator } from './model-locator.js';
export { BestMode, ScatterAndGather, compileScatterAndGatherArgs } from './scatter-and-gather.js';
export type {
  BestModeValue,
  BestRound,
  CompiledScatterAndGatherArgs,
  NextModelInput,
  OpenedContribution,
  ScatterAndGatherArgs,
} from './scatter-and-gather.js';
export { ScaffoldKey } from './scaffold-key.js';
export { ScatterAndGatherScaffold } from './scatter-and-gather-scaffold.js';
export type { ScatterAndGatherScaffoldArgs } from './scatter-and-gather-scaffold.js';
export { CrossSiteMatrix } from './cross-site-matrix.js';
export type { CrossSiteProblem, CrossSiteResults, SiteMetrics } from './cross-site-matrix.js';
export { CrossSiteModelEval, MODEL_VALIDATION, SERVER_MODEL_OWNER, compileCrossSiteModelEvalArgs } from './cross-site-model-eval.js';
export type { CompiledCrossSiteModelEvalArgs, CrossSiteModelEvalArgs } from './cross-site-model-eval.js';
export { CyclicController, CyclicOrder, compileCyclicControllerArgs } from './cyclic-controller.js';
export type { CompiledCyclicControllerArgs, CyclicControllerArgs, CyclicOrderValue } from './cyclic-controller.js';
export { isController } from './is-controller.js';
