import type { DType } from '@hearth/core';
import type { Dim } from '../graph/types.js';
import type { LossKind, ParamRole } from './model.js';

/** Where a tensor enters (and, when it is updated, leaves) a compiled program. */
export interface TensorBinding {
  /** Logical name: the parameter name, or `x` / `y` for the batch. */
  readonly name: string;
  /** Graph input the tensor is fed to. */
  readonly input: string;
  /** Graph output holding its updated value, when the program updates it. */
  readonly output?: string;
  readonly dtype: DType;
  /** Shape; string dimensions are free (such as the batch size). */
  readonly shape: readonly Dim[];
}

/** A model parameter as the program sees it. */
export interface ParamBinding extends TensorBinding {
  readonly role: ParamRole;
}

/** Optimizer slots: SGD velocity, Adam first and second moments, and the shared Adam step counter. */
export type StateSlot = 'velocity' | 'm' | 'v' | 'step';

/** One optimizer-state tensor: zero-initialised, fed in, and read back updated after every run. */
export interface StateBinding extends TensorBinding {
  readonly output: string;
  readonly slot: StateSlot;
  /** The parameter this slot belongs to; absent for the shared step counter. */
  readonly param?: string;
}

/** Names of the hyper-parameters a training program takes as scalar inputs. */
export type HyperName = 'lr' | 'momentum' | 'weight_decay' | 'beta1' | 'beta2' | 'epsilon' | 'mu';

/** A scalar hyper-parameter input with the value used when the caller gives none. */
export interface HyperBinding {
  readonly name: HyperName;
  readonly input: string;
  readonly dtype: DType;
  readonly default: number;
}

/** Per-parameter inputs of the optional federated terms. */
export interface FederatedBinding {
  readonly param: string;
  /** FedProx anchor (the global weights of the round). */
  readonly anchor?: string;
  /** SCAFFOLD server control variate c. */
  readonly control?: string;
  /** SCAFFOLD client control variate c_i. */
  readonly localControl?: string;
}

/** Optimizers a training program can be compiled with. */
export type OptimizerKind = 'sgd' | 'adam' | 'adamw';

/**
 * A compiled training program: everything a runtime needs to drive it without knowing the graph.
 * `train-step` runs one optimizer step per run on batch [N, ...]; `train-loop` runs K steps over batches
 * stacked as [K, N, ...] inside one ONNX Loop, and its loss and correct outputs are per-step vectors.
 */
export interface TrainProgram {
  readonly kind: 'train-step' | 'train-loop';
  readonly model: Uint8Array;
  readonly loss: LossKind;
  readonly optimizer: OptimizerKind;
  readonly params: readonly ParamBinding[];
  readonly state: readonly StateBinding[];
  readonly hyper: readonly HyperBinding[];
  readonly federated: readonly FederatedBinding[];
  readonly batch: { readonly x: TensorBinding; readonly y: TensorBinding };
  /** Loss (scalar, or [K] for a loop) and number of correct predictions (int64; classification only). */
  readonly outputs: { readonly loss: string; readonly correct?: string };
}

/** A compiled evaluation program: loss, number correct and logits of one batch with inference-mode layers. */
export interface EvalProgram {
  readonly kind: 'eval';
  readonly model: Uint8Array;
  readonly loss: LossKind;
  readonly params: readonly ParamBinding[];
  readonly batch: { readonly x: TensorBinding; readonly y: TensorBinding };
  readonly outputs: { readonly loss: string; readonly correct?: string; readonly logits: string };
}
