import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { serializeModel } from '../graph/serialize.js';
import { emitLoss, targetType } from './losses.js';
import type { LossKind, Model } from './model.js';
import type { EvalProgram, ParamBinding } from './program.js';

/**
 * Compiles an evaluation program: inputs are every parameter and buffer plus one batch (x, y); outputs
 * are the mean loss, the number correct (classification) and the logits, with layers in inference mode
 * (Dropout off, BatchNormalization on running statistics).
 */
export function compileEval(model: Model, options: { loss?: LossKind } = {}): EvalProgram {
  const loss = options.loss ?? model.loss;
  const b = new GraphBuilder({ name: 'hearth_eval' });
  const params: ParamBinding[] = [];
  for (const [name, value] of model.params) {
    b.input(name, value);
    params.push({ name, input: name, dtype: value.dtype, shape: [...value.shape], role: model.roles.get(name) ?? 'frozen' });
  }
  const xInfo = model.graph.inputs.find((i) => i.name === model.input);
  const yInfo = model.graph.outputs.find((o) => o.name === model.output);
  if (xInfo === undefined || yInfo === undefined) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, 'the model graph lacks its declared input or output', { context: {} });
  }
  const x = b.input(model.input, xInfo);
  const y = b.input(b.uniqueName('y'), targetType(loss, yInfo));
  for (const [name, value] of model.graph.initializers) b.initializer(name, value);
  for (const node of model.graph.nodes) b.addNode(node);
  const values = emitLoss(b, { kind: loss, prediction: model.output, target: y });
  const lossOut = b.output(values.loss, b.uniqueName('loss'));
  const correct = values.correct === undefined ? undefined : b.output(values.correct, b.uniqueName('correct'));
  const logits = b.output(model.output, b.uniqueName('logits'));
  return {
    kind: 'eval',
    model: serializeModel(b.build()),
    loss,
    params,
    batch: { x: { name: 'x', input: x, ...b.typeOf(x) }, y: { name: 'y', input: y, ...b.typeOf(y) } },
    outputs: correct === undefined ? { loss: lossOut, logits } : { loss: lossOut, correct, logits },
  };
}
