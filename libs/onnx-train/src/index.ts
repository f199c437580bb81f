export { OnnxTrainErrorCode, onnxTrainError } from './errors.js';
export type { OnnxTrainErrorCodeValue } from './errors.js';

export { GraphBuilder } from './graph/graph-builder.js';
export type { GraphBuilderOptions, LoopBodyInputs, LoopBodyOutputs, LoopOptions, NodeOptions, WindowOptions } from './graph/graph-builder.js';
export { IR_VERSION, OPSET_VERSION } from './graph/types.js';
export type { AttrValue, Dim, Graph, NodeDef, ValueInfo, ValueType } from './graph/types.js';
export { attr } from './graph/node-attrs.js';
export { SUPPORTED_OPS } from './graph/shape-inference.js';
export { checkGraph } from './graph/check-graph.js';
export { parseModel, serializeModel } from './graph/serialize.js';
export type { ParsedModel, SerializeOptions } from './graph/serialize.js';
export { dtypeOfElemType, onnxElemType } from './graph/dtype.js';

export { buildGradients } from './autodiff/build-gradients.js';
export type { GradientOptions } from './autodiff/build-gradients.js';
export { emitTrainingForward } from './autodiff/lower-for-training.js';
export type { TrainingForward, TrainingForwardOptions } from './autodiff/lower-for-training.js';
export { VJP_RULES, isDifferentiableOp } from './autodiff/vjp-rules.js';
export type { VjpContext, VjpRule } from './autodiff/vjp-context.js';

export { defineModel, freezeParams } from './compile/model.js';
export type { DefineModelOptions, LossKind, Model, ParamRole } from './compile/model.js';
export { compileTrainLoop, compileTrainStep } from './compile/compile-train.js';
export type { TrainCompileOptions } from './compile/compile-train.js';
export { compileEval } from './compile/compile-eval.js';
export { optimizerHyperDefaults } from './compile/optimizers.js';
export type { OptimizerSpec } from './compile/optimizers.js';
export type {
  EvalProgram,
  FederatedBinding,
  HyperBinding,
  HyperName,
  OptimizerKind,
  ParamBinding,
  StateBinding,
  StateSlot,
  TensorBinding,
  TrainProgram,
} from './compile/program.js';

export { fashionMnistCnn, logisticRegression, mlp } from './models/builtin-models.js';
export type { BuiltinModelOptions, MlpOptions } from './models/builtin-models.js';
export { importOnnxModel, IMPORT_OPSETS } from './models/import-onnx.js';
export type { ImportOnnxOptions } from './models/import-onnx.js';

export { Trainer } from './trainer/trainer.js';
export type { EvalResult, StepMetrics, TrainOptions, TrainResult, TrainerOptions } from './trainer/trainer.js';
export { stackBatches } from './trainer/batches.js';
export type { Batch, BatchSource } from './trainer/batches.js';
export type { SessionFactory, SessionRunner } from './trainer/session-runner.js';
