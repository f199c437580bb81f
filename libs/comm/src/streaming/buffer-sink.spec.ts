import { commError, CommErrorCode } from '../errors.js';
import { BufferSink } from './buffer-sink.js';

describe('BufferSink', () => {
  it('gathers chunks into one buffer of the declared size', async () => {
    const sink = new BufferSink({ byteLength: 6, maxBytes: 6 });
    await sink.write(Uint8Array.of(1, 2, 3), 0);
    await sink.write(Uint8Array.of(4, 5, 6), 3);
    sink.complete();
    expect(await sink.result).toEqual([Uint8Array.of(1, 2, 3, 4, 5, 6)]);
  });

  it('splits payloads above segmentBytes into several buffers, chunks crossing segment edges', async () => {
    const sink = new BufferSink({ byteLength: 10, maxBytes: 100, segmentBytes: 4 });
    await sink.write(Uint8Array.of(0, 1, 2, 3, 4, 5), 0);
    await sink.write(Uint8Array.of(6, 7, 8, 9), 6);
    sink.complete();
    expect(await sink.result).toEqual([Uint8Array.of(0, 1, 2, 3), Uint8Array.of(4, 5, 6, 7), Uint8Array.of(8, 9)]);
  });

  it('lays the payload out in buffers of the given part lengths, chunks crossing part edges', async () => {
    const sink = new BufferSink({ byteLength: 9, maxBytes: 9, partLengths: [3, 0, 4, 2] });
    await sink.write(Uint8Array.of(0, 1, 2, 3, 4), 0);
    await sink.write(Uint8Array.of(5, 6, 7, 8), 5);
    sink.complete();
    const parts = await sink.result;
    expect(parts).toEqual([Uint8Array.of(0, 1, 2), new Uint8Array(0), Uint8Array.of(3, 4, 5, 6), Uint8Array.of(7, 8)]);
    expect(parts.map((part) => part.byteOffset)).toEqual([0, 0, 0, 0]);
  });

  it('gives every part its own aligned buffer, so float32 tensors can be viewed in place', async () => {
    const values = Float32Array.of(1.5, -2, 3.25);
    const header = Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
    const payload = Buffer.concat([header, new Uint8Array(values.buffer)]);
    const sink = new BufferSink({ byteLength: payload.byteLength, maxBytes: 100, partLengths: [header.byteLength, values.byteLength] });
    for (let offset = 0; offset < payload.byteLength; offset += 4) await sink.write(payload.subarray(offset, offset + 4), offset);
    sink.complete();
    const [, tensor] = await sink.result;
    expect(tensor && [...new Float32Array(tensor.buffer, tensor.byteOffset, tensor.byteLength / 4)]).toEqual([1.5, -2, 3.25]);
  });

  it('refuses part lengths that do not describe the payload, naming the fault', () => {
    const make = (partLengths: unknown, segmentBytes?: number) => () =>
      new BufferSink({ byteLength: 10, maxBytes: 10, partLengths: partLengths as number[], ...(segmentBytes === undefined ? {} : { segmentBytes }) });
    expect(make([4, 4])).toThrow(expect.objectContaining({ code: CommErrorCode.INVALID_OPTIONS, message: 'BufferSink partLengths add up to 8 bytes, but the payload is 10 bytes' }));
    expect(make([4, -1, 7])).toThrow('BufferSink partLengths[1] must be an integer from 0 to 4294967296, got -1');
    expect(make([10.5])).toThrow(expect.objectContaining({ code: CommErrorCode.INVALID_OPTIONS }));
    expect(make('10')).toThrow('BufferSink partLengths must be an array of at most 1048576 lengths');
    expect(make(new Array(2 ** 20 + 1).fill(0))).toThrow('BufferSink partLengths must be an array of at most 1048576 lengths');
    expect(make([10], 5)).toThrow('BufferSink takes segmentBytes or partLengths, not both');
  });

  it('refuses a declared size over maxBytes before allocating anything', () => {
    expect(() => new BufferSink({ byteLength: 2 ** 40, maxBytes: 2 ** 20 })).toThrow(
      expect.objectContaining({ code: CommErrorCode.LIMIT_EXCEEDED, message: "payload of 1099511627776 bytes exceeds the receiver's limit of 1048576 bytes" }),
    );
    expect(() => new BufferSink({ byteLength: -1, maxBytes: 10 })).toThrow(expect.objectContaining({ code: CommErrorCode.INVALID_OPTIONS }));
  });

  it('refuses writes outside the payload', () => {
    const sink = new BufferSink({ byteLength: 4, maxBytes: 4 });
    expect(() => sink.write(Uint8Array.of(1, 2), 3)).toThrow('chunk [3, 5) lies outside the 4-byte payload');
  });

  it('rejects its result when aborted, and takes no more chunks', async () => {
    const sink = new BufferSink({ byteLength: 4, maxBytes: 4 });
    sink.abort(commError(CommErrorCode.TIMEOUT, 'gave up'));
    await expect(sink.result).rejects.toMatchObject({ code: CommErrorCode.TIMEOUT });
    expect(() => sink.write(Uint8Array.of(1), 0)).toThrow(expect.objectContaining({ code: CommErrorCode.ABORTED }));
  });

  it('gives an empty payload as one empty buffer', async () => {
    const sink = new BufferSink({ byteLength: 0, maxBytes: 0 });
    sink.complete();
    expect(await sink.result).toEqual([new Uint8Array(0)]);
  });
});

describe('BufferSink of a large payload (pages faulted in ahead of the chunks)', () => {
  const MiB = 1024 * 1024;
  const byteLength = 24 * MiB + 3;
  const payload = Uint8Array.from({ length: byteLength }, (_, i) => (i * 7 + (i >> 20)) % 251);

  it('stores every chunk written at once, in order, byte for byte', async () => {
    const sink = new BufferSink({ byteLength, maxBytes: byteLength, partLengths: [5, 10 * MiB, byteLength - 10 * MiB - 5] });
    const writes = [];
    for (let offset = 0; offset < byteLength; offset += MiB) writes.push(sink.write(payload.subarray(offset, offset + MiB), offset));
    await Promise.all(writes);
    sink.complete();
    expect(Buffer.concat(await sink.result).equals(payload)).toBe(true);
  });

  it('fails writes that were waiting when it is aborted', async () => {
    const sink = new BufferSink({ byteLength, maxBytes: byteLength });
    const waiting = sink.write(payload.subarray(byteLength - MiB), byteLength - MiB);
    sink.abort(commError(CommErrorCode.TIMEOUT, 'gave up'));
    await expect(waiting).rejects.toMatchObject({ code: CommErrorCode.ABORTED });
    await expect(sink.result).rejects.toMatchObject({ code: CommErrorCode.TIMEOUT });
  });
});
