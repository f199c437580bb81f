import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DType, Tensor } from '@hearth/core';
import { allocData, bytesPerElement, numelOf, tensor } from '@hearth/core';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from 'onnx-buf';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { dtypeOfElemType, onnxElemType } from './dtype.js';
import { IR_VERSION, OPSET_VERSION } from './types.js';
import type { AttrValue, Dim, Graph, NodeDef, ValueInfo } from './types.js';

/** Options for {@link serializeModel}. */
export interface SerializeOptions {
  /** Written as `producer_name`. @default 'hearth' */
  readonly producer?: string;
}

/** A model parsed back from bytes: its main graph and the default-domain opset it imports. */
export interface ParsedModel {
  readonly graph: Graph;
  readonly opset: number;
  readonly producer: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function tensorProto(name: string, value: Tensor): TensorProto {
  const raw = new Uint8Array(value.data.byteLength);
  raw.set(new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength));
  return create(TensorProtoSchema, {
    name,
    dims: value.shape.map((d) => BigInt(d)),
    dataType: onnxElemType(value.dtype),
    rawData: raw,
  });
}

function valueInfoProto(info: ValueInfo): ValueInfoProto {
  const dim = info.shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name: info.name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, { elemType: onnxElemType(info.dtype), shape: create(TensorShapeProtoSchema, { dim }) }),
      },
    }),
  });
}

function attributeProto(name: string, value: AttrValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  switch (value.kind) {
    case 'int':
      return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(value.value) });
    case 'float':
      return create(AttributeProtoSchema, { name, type: T.FLOAT, f: value.value });
    case 'string':
      return create(AttributeProtoSchema, { name, type: T.STRING, s: encoder.encode(value.value) });
    case 'ints':
      return create(AttributeProtoSchema, { name, type: T.INTS, ints: value.value.map((v) => BigInt(v)) });
    case 'floats':
      return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...value.value] });
    case 'strings':
      return create(AttributeProtoSchema, { name, type: T.STRINGS, strings: value.value.map((v) => encoder.encode(v)) });
    case 'tensor':
      return create(AttributeProtoSchema, { name, type: T.TENSOR, t: tensorProto('', value.value) });
    case 'graph':
      return create(AttributeProtoSchema, { name, type: T.GRAPH, g: graphProto(value.value) });
  }
}

function nodeProto(node: NodeDef): NodeProto {
  return create(NodeProtoSchema, {
    name: node.name,
    opType: node.op,
    input: [...node.inputs],
    output: [...node.outputs],
    attribute: Object.entries(node.attrs).map(([name, value]) => attributeProto(name, value)),
  });
}

function graphProto(graph: Graph): GraphProto {
  return create(GraphProtoSchema, {
    name: graph.name,
    input: graph.inputs.map(valueInfoProto),
    output: graph.outputs.map(valueInfoProto),
    initializer: [...graph.initializers].map(([name, value]) => tensorProto(name, value)),
    node: graph.nodes.map(nodeProto),
  });
}

/** Serializes a graph as ONNX ModelProto bytes (opset {@link OPSET_VERSION}), ready for an inference session. */
export function serializeModel(graph: Graph, options: SerializeOptions = {}): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(IR_VERSION),
    producerName: options.producer ?? 'hearth',
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(OPSET_VERSION) })],
    graph: graphProto(graph),
  });
  return toBinary(ModelProtoSchema, model);
}

function invalid(message: string, context: Record<string, unknown>): Error {
  return onnxTrainError(OnnxTrainErrorCode.INVALID_MODEL, message, { context });
}

function fillTypedData(dtype: DType, count: number, proto: TensorProto, where: string): Tensor['data'] {
  const data = allocData(dtype, count);
  let source: ArrayLike<number | bigint> | undefined;
  if (dtype === 'F32') source = proto.floatData;
  else if (dtype === 'F64') source = proto.doubleData;
  else if (dtype === 'I64') source = proto.int64Data;
  else source = proto.int32Data;
  if (source.length !== count) throw invalid(`${where} holds ${source.length} values for ${count} elements`, { tensor: where });
  for (let i = 0; i < count; i++) {
    const v = source[i] ?? 0;
    if (data instanceof BigInt64Array) data[i] = BigInt(v);
    else data[i] = Number(v);
  }
  return data;
}

function parseTensor(proto: TensorProto, where: string): Tensor {
  if (proto.dataLocation !== 0 || proto.externalData.length > 0) {
    throw invalid(`${where} keeps its data in an external file; save the model with its data inside`, { tensor: where });
  }
  const dtype = dtypeOfElemType(proto.dataType, where);
  const shape = proto.dims.map((d) => Number(d));
  const count = numelOf(shape);
  if (proto.rawData.length > 0) {
    const width = bytesPerElement(dtype);
    if (proto.rawData.length !== count * width) {
      throw invalid(`${where} has ${proto.rawData.length} raw bytes for ${count} elements of ${dtype}`, { tensor: where });
    }
    const data = allocData(dtype, count);
    new Uint8Array(data.buffer).set(proto.rawData);
    return tensor(dtype, shape, data);
  }
  return tensor(dtype, shape, fillTypedData(dtype, count, proto, where));
}

function parseValueInfo(proto: ValueInfoProto): ValueInfo {
  const type = proto.type?.value;
  if (type?.case !== 'tensorType' || type.value.shape === undefined) {
    throw invalid(`value "${proto.name}" is not a tensor with a known rank`, { value: proto.name });
  }
  const shape: Dim[] = type.value.shape.dim.map((d, i) => {
    if (d.value.case === 'dimValue') return Number(d.value.value);
    if (d.value.case === 'dimParam' && d.value.value !== '') return d.value.value;
    return `${proto.name}:${i}`;
  });
  return { name: proto.name, dtype: dtypeOfElemType(type.value.elemType, `value "${proto.name}"`), shape };
}

function parseAttribute(proto: AttributeProto, where: string): AttrValue {
  const T = AttributeProto_AttributeType;
  switch (proto.type) {
    case T.INT:
      return { kind: 'int', value: Number(proto.i) };
    case T.FLOAT:
      return { kind: 'float', value: proto.f };
    case T.STRING:
      return { kind: 'string', value: decoder.decode(proto.s) };
    case T.INTS:
      return { kind: 'ints', value: proto.ints.map((v) => Number(v)) };
    case T.FLOATS:
      return { kind: 'floats', value: [...proto.floats] };
    case T.STRINGS:
      return { kind: 'strings', value: proto.strings.map((v) => decoder.decode(v)) };
    case T.TENSOR:
      if (proto.t === undefined) break;
      return { kind: 'tensor', value: parseTensor(proto.t, `${where}.${proto.name}`) };
    case T.GRAPH:
      if (proto.g === undefined) break;
      return { kind: 'graph', value: parseGraph(proto.g) };
    default:
      break;
  }
  throw invalid(`${where}: attribute "${proto.name}" has an unsupported type ${proto.type}`, { attribute: proto.name });
}

function parseGraph(proto: GraphProto): Graph {
  const initializers = new Map<string, Tensor>();
  for (const init of proto.initializer) initializers.set(init.name, parseTensor(init, `initializer "${init.name}"`));
  if (proto.sparseInitializer.length > 0) throw invalid(`graph "${proto.name}" has sparse initializers`, { graph: proto.name });
  const nodes: NodeDef[] = proto.node.map((n, i) => {
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      throw onnxTrainError(OnnxTrainErrorCode.UNSUPPORTED_OPSET, `node "${n.name}" (${n.opType}) is in domain "${n.domain}"`, {
        context: { node: n.name, op: n.opType, domain: n.domain },
      });
    }
    const name = n.name === '' ? `${n.opType}_node${i}` : n.name;
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute) attrs[a.name] = parseAttribute(a, `node "${name}" (${n.opType})`);
    return { name, op: n.opType, inputs: [...n.input], outputs: [...n.output], attrs };
  });
  return {
    name: proto.name,
    inputs: proto.input.filter((v) => !initializers.has(v.name)).map(parseValueInfo),
    outputs: proto.output.map(parseValueInfo),
    initializers,
    nodes,
  };
}

/** Parses ONNX ModelProto bytes into the builder's representation. Data must be inside the file. */
export function parseModel(bytes: Uint8Array): ParsedModel {
  let model;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (cause) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_MODEL, `bytes are not an ONNX model: ${String(cause)}`, { cause });
  }
  if (model.graph === undefined) throw invalid('model has no graph', {});
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (opset === undefined) throw invalid('model imports no default-domain opset', {});
  return { graph: parseGraph(model.graph), opset: Number(opset.version), producer: model.producerName };
}
