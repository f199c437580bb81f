import { EXECUTION_PROVIDERS } from '@hearth/ort-runtime';
import { TrainingErrorCode } from './errors.js';
import { ExecutionProvidersSchema, compileOnnxTrainerArgs } from './onnx-trainer-args.js';

const required = {
  model: { builtin: 'fashion_mnist_cnn' as const },
  dataset: { name: 'fashion-mnist' as const, partition: { kind: 'dirichlet' as const, alpha: 0.5 }, num_clients: 8 },
};

describe('compileOnnxTrainerArgs', () => {
  it('fills in every default', () => {
    const args = compileOnnxTrainerArgs(required);
    expect(args).toMatchObject({
      localEpochs: 1,
      batchSize: 32,
      lr: 0.01,
      lrSchedule: { kind: 'constant' },
      fedproxMu: 0,
      stepsPerRun: 8,
      returnKind: 'weights',
      executionProviders: ['cuda', 'cpu'],
      intraOpThreads: 1,
      taskNames: { train: 'train', validate: 'validate', submitModel: 'submit_model' },
      optimizer: { spec: { type: 'sgd', momentum: true, nesterov: false }, hyper: { momentum: 0.9, weight_decay: 0 } },
    });
    expect(args.model).toEqual({ builtin: 'fashion_mnist_cnn', seed: 0, dropout: 0 });
    expect(args.dataset).toMatchObject({ normalize: 'standardize', test_split: 'share', partition: { kind: 'dirichlet', alpha: 0.5, seed: 0 } });
  });

  it('compiles each optimizer into its graph variant and hyper-parameters', () => {
    expect(compileOnnxTrainerArgs({ ...required, optimizer: { type: 'sgd', momentum: 0 } }).optimizer).toEqual({
      spec: { type: 'sgd', momentum: false, nesterov: false },
      hyper: { weight_decay: 0 },
    });
    expect(compileOnnxTrainerArgs({ ...required, optimizer: { type: 'adamw' } }).optimizer).toEqual({
      spec: { type: 'adamw' },
      hyper: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.01 },
    });
  });

  it('lists exactly the execution providers ort-runtime knows', () => {
    expect(ExecutionProvidersSchema.items.anyOf.map((literal) => literal.const)).toEqual([...EXECUTION_PROVIDERS]);
  });

  it('names the bad arg', () => {
    expect(() => compileOnnxTrainerArgs({ ...required, batch_size: 0 })).toThrow(
      expect.objectContaining({ code: TrainingErrorCode.INVALID_ARGS, message: expect.stringContaining('/batch_size must be >= 1') }),
    );
    expect(() => compileOnnxTrainerArgs({ ...required, learning_rate: 0.1 } as never)).toThrow(expect.objectContaining({ code: TrainingErrorCode.INVALID_ARGS }));
    expect(() => compileOnnxTrainerArgs({ ...required, execution_providers: ['tpu'] } as never)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('/execution_providers/0') }),
    );
  });
});
