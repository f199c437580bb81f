import { defineComponent } from '@hearth/job';
import { OnnxTrainer } from './onnx-trainer.js';
import { OnnxTrainerArgsSchema } from './onnx-trainer-args.js';

/**
 * `OnnxTrainer` as a built-in component type, for the registry in libs/components. Until it is registered,
 * jobs name the same class as custom code: `"type": "@hearth/training#OnnxTrainer"`.
 */
export const OnnxTrainerType = defineComponent({
  type: 'OnnxTrainer',
  argsSchema: OnnxTrainerArgsSchema,
  create: (args) => new OnnxTrainer(args),
});
