import { CommErrorCode } from '../errors.js';
import { decodeFrameMessage, encodeFrameMessage } from './frame-message.js';
import { deserializeFrame, MalformedFrame } from './frame-service.js';

describe('hearth.comm.v1.Frame messages', () => {
  it('encode parts as field 1 with a varint length and decode back to a view', () => {
    const message = encodeFrameMessage([Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3)]);
    expect([...message]).toEqual([0x0a, 3, 1, 2, 3]);
    const decoded = decodeFrameMessage(message);
    expect([...decoded]).toEqual([1, 2, 3]);
    expect(decoded.buffer).toBe(message.buffer);
  });

  it('encode lengths that need several varint bytes', () => {
    const data = new Uint8Array(300_000).fill(5);
    const message = encodeFrameMessage([data]);
    expect([...message.subarray(0, 4)]).toEqual([0x0a, 0xe0, 0xa7, 0x12]);
    expect(decodeFrameMessage(message)).toEqual(data);
  });

  it('encode an empty frame as the empty message, as proto3 does', () => {
    expect(encodeFrameMessage([])).toHaveLength(0);
    expect(decodeFrameMessage(Buffer.alloc(0))).toHaveLength(0);
  });

  it.each([
    ['another field', [0x12, 1, 0], 'expected field 1 of wire type 2 (tag 0x0a), got tag 0x12'],
    ['a truncated varint', [0x0a, 0x80], 'length varint is truncated'],
    ['an overlong varint', [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'length varint is longer than five bytes'],
    ['fewer bytes than declared', [0x0a, 5, 1, 2], 'declared data length 5 does not match the 2 bytes that follow'],
    ['trailing bytes', [0x0a, 1, 1, 0x12], 'declared data length 1 does not match the 2 bytes that follow'],
  ])('refuse %s', (_name, bytes, message) => {
    expect(() => decodeFrameMessage(Buffer.from(bytes))).toThrow(message);
    const marker = deserializeFrame(Buffer.from(bytes));
    expect(marker).toBeInstanceOf(MalformedFrame);
    expect(marker instanceof MalformedFrame ? marker.error.code : undefined).toBe(CommErrorCode.PROTOCOL_VIOLATION);
  });
});
