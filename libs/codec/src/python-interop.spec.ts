import { spawnSync } from 'node:child_process';
import type { DType, ParamMap, Tensor } from '@hearth/core';
import { decodeParamMap } from './safetensors-decode.js';
import { encodeParamMap } from './safetensors-encode.js';
import { randomParamMap } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

/**
 * Cross-check with the reference implementation, Python's `safetensors` package. It runs where
 * `python3 -c "import numpy, safetensors.numpy"` works (`pip install safetensors numpy`; Debian 12 does not
 * package safetensors, so CI skips it) and is skipped elsewhere; safetensors-encode.spec.ts checks our bytes
 * against the format definition by hand on every machine.
 */
const pythonHasSafetensors = spawnSync('python3', ['-c', 'import numpy, safetensors.numpy'], { stdio: 'ignore' }).status === 0;
const describeWithPython = pythonHasSafetensors ? describe : describe.skip;

/** NumPy's name for each dtype; numpy has no bfloat16, so BF16 stays out of this cross-check. */
const NUMPY_DTYPE: Partial<Record<DType, string>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

const DESCRIBE_LOADED = `
import base64, json, sys
from safetensors.numpy import load
def describe(tensors):
    return {name: {"dtype": str(a.dtype), "shape": list(a.shape), "hex": a.tobytes().hex()} for name, a in tensors.items()}
print(json.dumps([describe(load(base64.b64decode(b))) for b in json.load(sys.stdin)]))
`;

const SAVE_KNOWN = `
import sys
import numpy as np
from safetensors.numpy import save
sys.stdout.buffer.write(save({
    "weight": np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5,
    "count": np.array(7, dtype=np.int64),
    "mask": np.array([True, False, True]),
    "half": np.array([1.0, -0.5], dtype=np.float16),
    "empty": np.zeros((0, 4), dtype=np.int16),
}, metadata={"format": "np"}))
`;

function python(script: string, input?: Uint8Array): Buffer {
  const result = spawnSync('python3', ['-c', script], { input, maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function hex(t: Tensor): string {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');
}

describeWithPython('interoperability with Python safetensors', () => {
  it('Python reads every tensor we write, bit for bit (50 seeded maps)', () => {
    const maps: ParamMap[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      maps.push(new Map([...randomParamMap(new SeededRandom(seed), 8)].filter(([, t]) => t.dtype !== 'BF16')));
    }
    const encoded = maps.map((params) => Buffer.from(encodeParamMap(params, { metadata: { format: 'np' } })).toString('base64'));
    const loaded = JSON.parse(python(DESCRIBE_LOADED, Buffer.from(JSON.stringify(encoded))).toString()) as unknown[];
    const expected = maps.map((params) =>
      Object.fromEntries([...params].map(([name, t]) => [name, { dtype: NUMPY_DTYPE[t.dtype], shape: t.shape, hex: hex(t) }])),
    );
    expect(loaded).toEqual(expected);
  });

  it('we read what Python writes', () => {
    const { params, metadata } = decodeParamMap(new Uint8Array(python(SAVE_KNOWN)));
    expect(metadata).toEqual({ format: 'np' });
    expect(params.get('weight')).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect([...(params.get('weight')?.data as Float32Array)]).toEqual([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    expect(params.get('count')).toMatchObject({ dtype: 'I64', shape: [] });
    expect(params.get('count')?.data[0]).toBe(7n);
    expect(params.get('mask')).toMatchObject({ dtype: 'BOOL', shape: [3] });
    expect([...(params.get('mask')?.data as Uint8Array)]).toEqual([1, 0, 1]);
    expect([...(params.get('half')?.data as Uint16Array)]).toEqual([0x3c00, 0xb800]);
    expect(params.get('empty')).toMatchObject({ dtype: 'I16', shape: [0, 4] });
  });
});
