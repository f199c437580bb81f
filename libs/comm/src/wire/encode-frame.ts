import { commError, CommErrorCode } from '../errors.js';
import { FrameKind, MAX_NAME_BYTES, MAX_TEXT_BYTES, TRANSFER_ID_BYTES, WIRE_VERSION } from './wire-frame.js';
import type { OutgoingFrame } from './wire-frame.js';

const UTF8 = new TextEncoder();
const TWO_32 = 2 ** 32;

/** Writes a header of known size front to back. */
class HeaderWriter {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(size: number) {
    this.#bytes = new Uint8Array(size);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** The header; throws if its computed size and what was written disagree (a bug here, not bad input). */
  get bytes(): Uint8Array {
    if (this.#offset !== this.#bytes.byteLength) throw new Error(`frame header sized ${this.#bytes.byteLength} bytes, ${this.#offset} written`);
    return this.#bytes;
  }

  u8(value: number): this {
    this.#view.setUint8(this.#offset, value);
    this.#offset += 1;
    return this;
  }

  u16(value: number): this {
    this.#view.setUint16(this.#offset, value, true);
    this.#offset += 2;
    return this;
  }

  u32(value: number): this {
    this.#view.setUint32(this.#offset, value, true);
    this.#offset += 4;
    return this;
  }

  u64(value: number): this {
    this.#view.setUint32(this.#offset, value % TWO_32, true);
    this.#view.setUint32(this.#offset + 4, Math.floor(value / TWO_32), true);
    this.#offset += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#bytes.set(bytes, this.#offset);
    this.#offset += bytes.byteLength;
    return this;
  }

  str(bytes: Uint8Array): this {
    return this.u16(bytes.byteLength).raw(bytes);
  }
}

/** UTF-8 of a channel, topic or code; longer than {@link MAX_NAME_BYTES} is a caller error. */
function nameBytes(value: string, field: string): Uint8Array {
  const bytes = UTF8.encode(value);
  if (bytes.byteLength > MAX_NAME_BYTES) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${field} is ${bytes.byteLength} bytes of UTF-8; at most ${MAX_NAME_BYTES} are allowed`, {
      context: { field, byteLength: bytes.byteLength },
    });
  }
  return bytes;
}

/** UTF-8 of an error message, cut at a character boundary to {@link MAX_TEXT_BYTES}. */
function textBytes(value: string): Uint8Array {
  const bytes = UTF8.encode(value);
  if (bytes.byteLength <= MAX_TEXT_BYTES) return bytes;
  let end = MAX_TEXT_BYTES;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

function transferIdBytes(transferId: string): Uint8Array {
  const bytes = Buffer.from(transferId, 'hex');
  if (bytes.byteLength !== TRANSFER_ID_BYTES || bytes.toString('hex') !== transferId) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `transfer id must be ${TRANSFER_ID_BYTES * 2} lowercase hex digits, got "${transferId}"`, {
      context: { transferId },
    });
  }
  return bytes;
}

function prefixed(size: number, kind: number): HeaderWriter {
  return new HeaderWriter(2 + size).u8(WIRE_VERSION).u8(kind);
}

/**
 * Encodes a messenger frame as parts: a fresh header, then the payload parts as given (views, not
 * copies), ready for `Connection.send`. The layout is documented in wire-frame.ts.
 */
export function encodeFrame(frame: OutgoingFrame): Uint8Array[] {
  switch (frame.kind) {
    case FrameKind.MESSAGE: {
      const channel = nameBytes(frame.channel, 'channel');
      const topic = nameBytes(frame.topic, 'topic');
      return [prefixed(4 + channel.byteLength + topic.byteLength, frame.kind).str(channel).str(topic).bytes, ...frame.body];
    }
    case FrameKind.REQUEST: {
      const channel = nameBytes(frame.channel, 'channel');
      const topic = nameBytes(frame.topic, 'topic');
      return [prefixed(12 + channel.byteLength + topic.byteLength, frame.kind).u64(frame.id).str(channel).str(topic).bytes, ...frame.body];
    }
    case FrameKind.REPLY:
      return [prefixed(8, frame.kind).u64(frame.id).bytes, ...frame.body];
    case FrameKind.REPLY_ERROR: {
      const code = nameBytes(frame.code, 'error code');
      const message = textBytes(frame.message);
      return [prefixed(12 + code.byteLength + message.byteLength, frame.kind).u64(frame.id).str(code).str(message).bytes];
    }
    case FrameKind.STREAM_OPEN: {
      const channel = nameBytes(frame.channel, 'channel');
      const topic = nameBytes(frame.topic, 'topic');
      const header = prefixed(TRANSFER_ID_BYTES + 15 + 4 + channel.byteLength + topic.byteLength, frame.kind)
        .raw(transferIdBytes(frame.transferId))
        .u8(frame.resume ? 1 : 0)
        .u64(frame.totalBytes)
        .u32(frame.chunkBytes)
        .u16(frame.window)
        .str(channel)
        .str(topic);
      return [header.bytes, ...frame.meta];
    }
    case FrameKind.STREAM_ACK:
      return [prefixed(TRANSFER_ID_BYTES + 9, frame.kind).raw(transferIdBytes(frame.transferId)).u8(frame.accept ? 1 : 0).u64(frame.nextIndex).bytes];
    case FrameKind.STREAM_CHUNK:
      return [prefixed(TRANSFER_ID_BYTES + 12, frame.kind).raw(transferIdBytes(frame.transferId)).u64(frame.index).u32(frame.crc).bytes, ...frame.data];
    case FrameKind.STREAM_END:
      return [prefixed(TRANSFER_ID_BYTES + 4, frame.kind).raw(transferIdBytes(frame.transferId)).u32(frame.crc).bytes];
    case FrameKind.STREAM_DONE:
      return [prefixed(TRANSFER_ID_BYTES, frame.kind).raw(transferIdBytes(frame.transferId)).bytes];
    case FrameKind.STREAM_ABORT: {
      const code = nameBytes(frame.code, 'error code');
      const message = textBytes(frame.message);
      return [prefixed(TRANSFER_ID_BYTES + 4 + code.byteLength + message.byteLength, frame.kind).raw(transferIdBytes(frame.transferId)).str(code).str(message).bytes];
    }
  }
}
