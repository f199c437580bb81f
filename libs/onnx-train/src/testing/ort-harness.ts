import type { DType, Tensor } from '@hearth/core';
import { tensor } from '@hearth/core';
import * as ort from 'onnxruntime-node';
import type { Graph } from '../graph/types.js';
import { serializeModel } from '../graph/serialize.js';
import type { SessionFactory, SessionRunner } from '../trainer/session-runner.js';

const TO_ORT: Partial<Record<DType, ort.Tensor.Type>> = {
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
};

const FROM_ORT: Record<string, DType> = Object.fromEntries(Object.entries(TO_ORT).map(([k, v]) => [v, k as DType]));

/** Core tensor to an ORT tensor (shares data where ORT allows). */
export function toOrt(t: Tensor): ort.Tensor {
  const type = TO_ORT[t.dtype];
  if (type === undefined) throw new Error(`no ORT type for ${t.dtype}`);
  return new ort.Tensor(type, t.data as ort.Tensor.DataType, [...t.shape]);
}

/** ORT tensor to a core tensor (copies the data). */
export function fromOrt(t: ort.Tensor): Tensor {
  const dtype = FROM_ORT[t.type];
  if (dtype === undefined) throw new Error(`no dtype for ORT type ${t.type}`);
  const data = (t.data as Tensor['data']).slice();
  return tensor(dtype, [...t.dims], data as never);
}

/** The SessionRunner port implemented directly on onnxruntime-node (CPU, one intra-op thread for determinism). */
export const ortSessionFactory: SessionFactory = async (model) => {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const runner: SessionRunner = {
    async run(feeds, fetches) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, value] of Object.entries(feeds)) ortFeeds[name] = toOrt(value);
      const out = await session.run(ortFeeds, fetches);
      const result: Record<string, Tensor> = {};
      for (const name of fetches) {
        const value = out[name];
        if (value !== undefined) result[name] = fromOrt(value);
      }
      return result;
    },
    async close() {
      await session.release();
    },
  };
  return runner;
};

/** Runs a graph once and returns all its outputs. */
export async function runGraph(graph: Graph, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ortSessionFactory(serializeModel(graph));
  try {
    return await session.run(feeds, graph.outputs.map((o) => o.name));
  } finally {
    await session.close();
  }
}
