/**
 * onnxruntime-node builds output tensors with the typed-array constructors of Node's main realm, while
 * onnxruntime-common (loaded inside Jest's sandbox) checks `instanceof` against the sandbox's. Sharing the
 * main realm's constructors with the sandbox makes both sides agree, so specs can run ORT directly.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArrayEnvironment;
