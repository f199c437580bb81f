import { numelOf } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { coreDTypeOf, ortTypeOf } from './dtype-map.js';
import type { OrtTensorType } from './dtype-map.js';
import { OrtErrorCode, ortError } from './errors.js';
import type { WireTensor } from './internal/worker-protocol.js';
import type { OrtValueInfo } from './value-info.js';

/** Feeds ready to post to the worker, with the buffers to transfer instead of copy. */
export interface PreparedFeeds {
  readonly feeds: Record<string, WireTensor>;
  readonly transfer: ArrayBuffer[];
}

/** Options for {@link prepareFeeds}. */
export interface PrepareFeedsOptions {
  /** The model's inputs. */
  readonly inputs: readonly OrtValueInfo[];
  /** Move whole, unshared feed buffers instead of copying them (detaches them in the caller). */
  readonly transferFeeds: boolean;
}

/**
 * Checks feeds against the model's inputs (names, dtypes, ranks, fixed dimensions) and prepares them for
 * the worker. Each failure is a coded error naming the input, raised before anything reaches ORT.
 * Every buffer crosses the thread boundary once: moved when allowed and possible, else copied once.
 */
export function prepareFeeds(feeds: Readonly<Record<string, Tensor>>, options: PrepareFeedsOptions): PreparedFeeds {
  const byName = new Map(options.inputs.map((info) => [info.name, info]));
  const prepared: Record<string, WireTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const [name, t] of Object.entries(feeds)) {
    const info = byName.get(name);
    if (info === undefined) {
      throw ortError(
        OrtErrorCode.UNKNOWN_INPUT,
        `feed ${JSON.stringify(name)} is not an input of the model (inputs: ${[...byName.keys()].join(', ')})`,
        { context: { input: name, inputs: [...byName.keys()] } },
      );
    }
    const type = checkFeed(name, t, info);
    let data = t.data;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const movable = options.transferFeeds && whole && isPlainArrayBuffer(data.buffer) && !transfer.includes(data.buffer);
    if (!movable) data = data.slice();
    transfer.push(data.buffer as ArrayBuffer);
    prepared[name] = { type, dims: [...t.shape], data };
  }
  for (const info of options.inputs) {
    if (!(info.name in prepared)) {
      throw ortError(OrtErrorCode.MISSING_INPUT, `the model's input ${JSON.stringify(info.name)} has no feed`, {
        context: { input: info.name },
      });
    }
  }
  return { feeds: prepared, transfer };
}

function checkFeed(name: string, t: Tensor, info: OrtValueInfo): OrtTensorType {
  const type = ortTypeOf(t.dtype);
  if (type === undefined) {
    throw ortError(OrtErrorCode.UNSUPPORTED_DTYPE, `feed ${JSON.stringify(name)} has dtype ${t.dtype}, which ORT cannot take`, {
      context: { input: name, dtype: t.dtype },
    });
  }
  if (!info.isTensor || info.type !== type) {
    const expected = info.isTensor ? `${info.type ?? '?'} (${coreDTypeOf(info.type ?? '') ?? 'no Hearth dtype'})` : 'a non-tensor value';
    throw ortError(OrtErrorCode.INPUT_DTYPE_MISMATCH, `input ${JSON.stringify(name)} expects ${expected}, got ${t.dtype}`, {
      context: { input: name, expected: info.type, dtype: t.dtype },
    });
  }
  const shape = info.shape ?? [];
  const fits = shape.length === t.shape.length && shape.every((d, i) => typeof d === 'string' || d === t.shape[i]);
  if (!fits) {
    throw ortError(
      OrtErrorCode.INPUT_SHAPE_MISMATCH,
      `input ${JSON.stringify(name)} expects shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`,
      { context: { input: name, expected: shape, shape: t.shape } },
    );
  }
  if (t.data.length !== numelOf(t.shape)) {
    throw ortError(
      OrtErrorCode.INPUT_SHAPE_MISMATCH,
      `feed ${JSON.stringify(name)} has ${t.data.length} elements for shape [${t.shape.join(', ')}]`,
      { context: { input: name, shape: t.shape, length: t.data.length } },
    );
  }
  return type;
}

/**
 * Resolves the outputs to fetch: every output for an empty list, else the named ones (duplicates
 * dropped). An unknown name or an output Hearth tensors cannot hold is a coded error naming it.
 */
export function resolveFetches(fetches: readonly string[], outputs: readonly OrtValueInfo[]): string[] {
  const byName = new Map(outputs.map((info) => [info.name, info]));
  const names = fetches.length === 0 ? outputs.map((info) => info.name) : [...new Set(fetches)];
  for (const name of names) {
    const info = byName.get(name);
    if (info === undefined) {
      throw ortError(
        OrtErrorCode.UNKNOWN_OUTPUT,
        `fetch ${JSON.stringify(name)} is not an output of the model (outputs: ${[...byName.keys()].join(', ')})`,
        { context: { output: name, outputs: [...byName.keys()] } },
      );
    }
    if (!info.isTensor || coreDTypeOf(info.type ?? '') === undefined) {
      throw ortError(
        OrtErrorCode.UNSUPPORTED_DTYPE,
        `output ${JSON.stringify(name)} has type ${info.type ?? 'non-tensor'}, which Hearth tensors cannot hold`,
        { context: { output: name, type: info.type } },
      );
    }
  }
  return names;
}

/** True for a transferable ArrayBuffer (not a SharedArrayBuffer); realm-independent, unlike instanceof. */
function isPlainArrayBuffer(buffer: ArrayBufferLike): buffer is ArrayBuffer {
  return Object.prototype.toString.call(buffer) === '[object ArrayBuffer]';
}
