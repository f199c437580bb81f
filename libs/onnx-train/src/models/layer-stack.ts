import type { ParamMap } from '@hearth/core';
import { defineModel } from '../compile/model.js';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import type { LossKind, Model } from '../compile/model.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import type { Dim } from '../graph/types.js';
import { initTensor } from './init.js';
import type { InitKind } from './init.js';
import { SeededRandom } from '@hearth/core';

/** Options for {@link LayerStack}. */
export interface LayerStackOptions {
  readonly name: string;
  /** Shape of one example, without the batch axis. */
  readonly inputShape: readonly number[];
  readonly dtype: 'F32' | 'F64';
  readonly seed: number;
}

/**
 * Builds feed-forward models layer by layer with PyTorch's parameter names and layouts (dense weights
 * [out, in], conv weights [out, in, kh, kw]), seeded initialisation and a symbolic batch axis `N`.
 */
export class LayerStack {
  readonly b: GraphBuilder;
  readonly #params: ParamMap = new Map();
  readonly #random: SeededRandom;
  readonly #dtype: 'F32' | 'F64';
  #x: string;

  constructor(options: LayerStackOptions) {
    this.b = new GraphBuilder({ name: options.name });
    this.#random = new SeededRandom(options.seed);
    this.#dtype = options.dtype;
    const shape: Dim[] = ['N', ...options.inputShape];
    this.#x = this.b.input('x', { dtype: options.dtype, shape });
  }

  /** The current activation. */
  get current(): string {
    return this.#x;
  }

  #param(name: string, options: { kind: InitKind; shape: readonly number[]; fanIn: number; fanOut: number }): string {
    const value = initTensor({ ...options, dtype: this.#dtype, random: this.#random });
    this.#params.set(name, value);
    return this.b.input(name, value);
  }

  #width(axis: number): number {
    const d = this.b.typeOf(this.#x).shape[axis];
    if (typeof d !== 'number') {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `layer input axis ${axis} has no known size`, { context: { axis } });
    }
    return d;
  }

  /** Fully connected layer `x W^T + b` (Gemm with transB). */
  dense(name: string, options: { units: number; init: InitKind }): this {
    const fanIn = this.#width(1);
    const w = this.#param(`${name}.weight`, { kind: options.init, shape: [options.units, fanIn], fanIn, fanOut: options.units });
    const bias = this.#param(`${name}.bias`, { kind: 'zeros', shape: [options.units], fanIn, fanOut: options.units });
    this.#x = this.b.gemm(this.#x, w, { c: bias, transB: true });
    return this;
  }

  /** 2-D convolution with a square kernel, stride 1 and the given symmetric padding. */
  conv2d(name: string, options: { filters: number; kernel: number; padding: number }): this {
    const channels = this.#width(1);
    const area = options.kernel * options.kernel;
    const w = this.#param(`${name}.weight`, {
      kind: 'he',
      shape: [options.filters, channels, options.kernel, options.kernel],
      fanIn: channels * area,
      fanOut: options.filters * area,
    });
    const bias = this.#param(`${name}.bias`, { kind: 'zeros', shape: [options.filters], fanIn: 1, fanOut: 1 });
    const p = options.padding;
    this.#x = this.b.conv(this.#x, w, { bias, pads: [p, p, p, p] });
    return this;
  }

  /** Applies an activation. */
  activation(kind: 'relu' | 'tanh' | 'sigmoid'): this {
    this.#x = kind === 'relu' ? this.b.relu(this.#x) : kind === 'tanh' ? this.b.tanh(this.#x) : this.b.sigmoid(this.#x);
    return this;
  }

  /** 2-D max pooling with a square window and equal stride. */
  maxPool(size: number): this {
    this.#x = this.b.maxPool(this.#x, { kernel: [size, size], strides: [size, size] })[0] ?? '';
    return this;
  }

  /** Dropout (active only in training programs). */
  dropout(ratio: number): this {
    if (ratio > 0) this.#x = this.b.dropout(this.#x, { ratio })[0] ?? '';
    return this;
  }

  /** Flattens [N, ...] to [N, features]. */
  flatten(): this {
    this.#x = this.b.flatten(this.#x);
    return this;
  }

  /** Names the output `logits` and assembles the model. */
  finish(loss: LossKind): Model {
    const output = this.b.output(this.#x, 'logits');
    return defineModel({ graph: this.b.build(), input: 'x', output, params: this.#params, loss });
  }
}
