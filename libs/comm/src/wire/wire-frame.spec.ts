import { CommErrorCode } from '../errors.js';
import { SeededRandom } from '../testing/seeded-random.js';
import { decodeFrame } from './decode-frame.js';
import { encodeFrame } from './encode-frame.js';
import { FrameKind, MAX_TEXT_BYTES } from './wire-frame.js';
import type { OutgoingFrame, WireFrame } from './wire-frame.js';

const TRANSFER = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function roundTrip(frame: OutgoingFrame): WireFrame {
  return decodeFrame(Buffer.concat(encodeFrame(frame)));
}

function violation(input: Uint8Array): string {
  try {
    decodeFrame(input);
  } catch (error) {
    expect((error as { code?: string }).code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
    return (error as Error).message;
  }
  throw new Error('expected a protocol violation');
}

describe('messenger wire frames', () => {
  it('round-trip every kind, with payloads given as parts', () => {
    const big = 2 ** 53 - 1;
    expect(roundTrip({ kind: FrameKind.MESSAGE, channel: 'job-1', topic: 'täsk', body: [bytes(1), bytes(), bytes(2, 3)] })).toEqual({
      kind: FrameKind.MESSAGE,
      channel: 'job-1',
      topic: 'täsk',
      body: bytes(1, 2, 3),
    });
    expect(roundTrip({ kind: FrameKind.REQUEST, id: big, channel: '', topic: 't', body: [] })).toMatchObject({ id: big, channel: '', body: bytes() });
    expect(roundTrip({ kind: FrameKind.REPLY, id: 2 ** 32 + 5, body: [bytes(9)] })).toMatchObject({ id: 2 ** 32 + 5, body: bytes(9) });
    expect(roundTrip({ kind: FrameKind.REPLY_ERROR, id: 3, code: 'HEARTH_ERR_X', message: 'went wrong' })).toMatchObject({ code: 'HEARTH_ERR_X', message: 'went wrong' });
    const open = { kind: FrameKind.STREAM_OPEN, transferId: TRANSFER, resume: true, totalBytes: 10 * 2 ** 30, chunkBytes: 2 ** 20, window: 8, channel: 'c', topic: 'm', meta: [bytes(4, 2)] } as const;
    expect(roundTrip(open)).toEqual({ ...open, meta: bytes(4, 2) });
    expect(roundTrip({ kind: FrameKind.STREAM_ACK, transferId: TRANSFER, accept: true, nextIndex: 12 })).toMatchObject({ accept: true, nextIndex: 12 });
    expect(roundTrip({ kind: FrameKind.STREAM_CHUNK, transferId: TRANSFER, index: 7, crc: 0xffffffff, data: [bytes(1), bytes(2)] })).toMatchObject({
      index: 7,
      crc: 0xffffffff,
      data: bytes(1, 2),
    });
    expect(roundTrip({ kind: FrameKind.STREAM_END, transferId: TRANSFER, crc: 42 })).toMatchObject({ crc: 42 });
    expect(roundTrip({ kind: FrameKind.STREAM_DONE, transferId: TRANSFER })).toEqual({ kind: FrameKind.STREAM_DONE, transferId: TRANSFER });
    expect(roundTrip({ kind: FrameKind.STREAM_ABORT, transferId: TRANSFER, code: 'C', message: 'm' })).toMatchObject({ code: 'C', message: 'm' });
  });

  it('leaves payload parts as they are (no copy, no concatenation)', () => {
    const data = bytes(1, 2, 3);
    const parts = encodeFrame({ kind: FrameKind.STREAM_CHUNK, transferId: TRANSFER, index: 0, crc: 0, data: [data] });
    expect(parts[1]).toBe(data);
  });

  it('cuts long error messages at a character boundary and refuses long names', () => {
    const decoded = roundTrip({ kind: FrameKind.REPLY_ERROR, id: 1, code: 'C', message: 'é'.repeat(MAX_TEXT_BYTES) });
    expect(decoded.kind === FrameKind.REPLY_ERROR ? decoded.message : '').toBe('é'.repeat(MAX_TEXT_BYTES / 2));
    expect(() => encodeFrame({ kind: FrameKind.MESSAGE, channel: 'x'.repeat(257), topic: 't', body: [] })).toThrow('channel is 257 bytes of UTF-8');
    expect(() => encodeFrame({ kind: FrameKind.STREAM_DONE, transferId: 'not-hex' })).toThrow('transfer id must be 32 lowercase hex digits');
  });

  it('names what is wrong with malformed frames', () => {
    expect(violation(bytes())).toBe('frame of 0 bytes is too short for a header');
    expect(violation(bytes(2, 1))).toBe('frame has wire version 2; this build speaks version 1');
    expect(violation(bytes(1, 0))).toContain('unknown frame kind 0');
    expect(violation(bytes(1, 1, 5, 0, 0x61))).toContain('channel needs 5 bytes at offset 4, only 1 left');
    expect(violation(bytes(1, 1, 1, 1, 0x61))).toContain('channel is 257 bytes; at most 256 are allowed');
    expect(violation(bytes(1, 3, 0, 0, 0, 0, 0, 0, 0x20, 0))).toContain('request id 9007199254740992 exceeds 2^53 - 1');
    const done = Buffer.concat(encodeFrame({ kind: FrameKind.STREAM_DONE, transferId: TRANSFER }));
    expect(violation(Buffer.concat([done, bytes(0)]))).toContain('1 unexpected trailing bytes');
    const ack = Buffer.concat(encodeFrame({ kind: FrameKind.STREAM_ACK, transferId: TRANSFER, accept: false, nextIndex: 1 }));
    ack[18] = 6;
    expect(violation(ack)).toContain('unknown flag bits 0x6');
  });

  it('rejects every truncation of a fixed-size header', () => {
    const frames: OutgoingFrame[] = [
      { kind: FrameKind.STREAM_ACK, transferId: TRANSFER, accept: false, nextIndex: 3 },
      { kind: FrameKind.STREAM_END, transferId: TRANSFER, crc: 1 },
      { kind: FrameKind.REPLY_ERROR, id: 1, code: 'C', message: 'msg' },
      { kind: FrameKind.STREAM_OPEN, transferId: TRANSFER, resume: false, totalBytes: 1, chunkBytes: 1, window: 1, channel: 'c', topic: 't', meta: [] },
    ];
    for (const frame of frames) {
      const whole = Buffer.concat(encodeFrame(frame));
      for (let length = 2; length < whole.byteLength; length += 1) violation(whole.subarray(0, length));
    }
  });

  it('turns random input into PROTOCOL_VIOLATION or a frame, never anything else', () => {
    const random = new SeededRandom(99);
    let decoded = 0;
    for (let iteration = 0; iteration < 5000; iteration += 1) {
      const input = random.bytes(random.below(64));
      if (input.byteLength > 0) input[0] = 1;
      if (input.byteLength > 1) input[1] = 1 + random.below(10);
      try {
        decodeFrame(input);
        decoded += 1;
      } catch (error) {
        expect((error as { code?: string }).code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
