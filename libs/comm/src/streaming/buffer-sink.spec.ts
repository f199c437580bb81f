import { commError, CommErrorCode } from '../errors.js';
import { BufferSink } from './buffer-sink.js';

describe('BufferSink', () => {
  it('gathers chunks into one buffer of the declared size', async () => {
    const sink = new BufferSink({ byteLength: 6, maxBytes: 6 });
    sink.write(Uint8Array.of(1, 2, 3), 0);
    sink.write(Uint8Array.of(4, 5, 6), 3);
    sink.complete();
    expect(await sink.result).toEqual([Uint8Array.of(1, 2, 3, 4, 5, 6)]);
  });

  it('splits payloads above segmentBytes into several buffers, chunks crossing segment edges', async () => {
    const sink = new BufferSink({ byteLength: 10, maxBytes: 100, segmentBytes: 4 });
    sink.write(Uint8Array.of(0, 1, 2, 3, 4, 5), 0);
    sink.write(Uint8Array.of(6, 7, 8, 9), 6);
    sink.complete();
    expect(await sink.result).toEqual([Uint8Array.of(0, 1, 2, 3), Uint8Array.of(4, 5, 6, 7), Uint8Array.of(8, 9)]);
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

  it('rejects its result when aborted', async () => {
    const sink = new BufferSink({ byteLength: 4, maxBytes: 4 });
    sink.abort(commError(CommErrorCode.TIMEOUT, 'gave up'));
    await expect(sink.result).rejects.toMatchObject({ code: CommErrorCode.TIMEOUT });
  });

  it('gives an empty payload as one empty buffer', async () => {
    const sink = new BufferSink({ byteLength: 0, maxBytes: 0 });
    sink.complete();
    expect(await sink.result).toEqual([new Uint8Array(0)]);
  });
});
