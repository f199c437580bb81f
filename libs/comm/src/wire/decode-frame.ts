import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';
import { FrameKind, MAX_NAME_BYTES, MAX_TEXT_BYTES, TRANSFER_ID_BYTES, WIRE_VERSION } from './wire-frame.js';
import type { WireFrame } from './wire-frame.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const TWO_32 = 2 ** 32;
const KIND_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(FrameKind).map(([name, value]) => [value, name]));

/** Reads one untrusted frame front to back; every read is bounds-checked and names what was short. */
class FrameReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #kind: string;
  #offset = 0;

  constructor(bytes: Uint8Array, kind: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#kind = kind;
    this.#offset = 2;
  }

  violation(reason: string): HearthError {
    return commError(CommErrorCode.PROTOCOL_VIOLATION, `malformed ${this.#kind} frame (${this.#bytes.byteLength} bytes): ${reason}`, {
      context: { kind: this.#kind, byteLength: this.#bytes.byteLength, offset: this.#offset },
    });
  }

  #need(count: number, field: string): number {
    const at = this.#offset;
    if (at + count > this.#bytes.byteLength) throw this.violation(`${field} needs ${count} bytes at offset ${at}, only ${this.#bytes.byteLength - at} left`);
    this.#offset += count;
    return at;
  }

  u8(field: string): number {
    return this.#view.getUint8(this.#need(1, field));
  }

  u16(field: string): number {
    return this.#view.getUint16(this.#need(2, field), true);
  }

  u32(field: string): number {
    return this.#view.getUint32(this.#need(4, field), true);
  }

  u64(field: string): number {
    const at = this.#need(8, field);
    const value = this.#view.getUint32(at + 4, true) * TWO_32 + this.#view.getUint32(at, true);
    if (!Number.isSafeInteger(value)) throw this.violation(`${field} ${value} exceeds 2^53 - 1`);
    return value;
  }

  transferId(): string {
    const at = this.#need(TRANSFER_ID_BYTES, 'transfer id');
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + at, TRANSFER_ID_BYTES).toString('hex');
  }

  str(field: string, maxBytes: number): string {
    const length = this.u16(`${field} length`);
    if (length > maxBytes) throw this.violation(`${field} is ${length} bytes; at most ${maxBytes} are allowed`);
    const at = this.#need(length, field);
    try {
      return UTF8.decode(this.#bytes.subarray(at, at + length));
    } catch {
      throw this.violation(`${field} is not valid UTF-8`);
    }
  }

  /** The rest of the frame (a body, meta or chunk data), as a view. */
  rest(): Uint8Array {
    const at = this.#offset;
    this.#offset = this.#bytes.byteLength;
    return this.#bytes.subarray(at);
  }

  /** Fails when bytes are left over in a frame kind that has no payload. */
  end(): void {
    if (this.#offset !== this.#bytes.byteLength) throw this.violation(`${this.#bytes.byteLength - this.#offset} unexpected trailing bytes`);
  }
}

function decodeKind(reader: FrameReader, kind: number): WireFrame {
  switch (kind) {
    case FrameKind.MESSAGE: {
      const channel = reader.str('channel', MAX_NAME_BYTES);
      return { kind, channel, topic: reader.str('topic', MAX_NAME_BYTES), body: reader.rest() };
    }
    case FrameKind.REQUEST: {
      const id = reader.u64('request id');
      const channel = reader.str('channel', MAX_NAME_BYTES);
      return { kind, id, channel, topic: reader.str('topic', MAX_NAME_BYTES), body: reader.rest() };
    }
    case FrameKind.REPLY:
      return { kind, id: reader.u64('request id'), body: reader.rest() };
    case FrameKind.REPLY_ERROR: {
      const frame = { kind, id: reader.u64('request id'), code: reader.str('error code', MAX_NAME_BYTES), message: reader.str('error message', MAX_TEXT_BYTES) };
      reader.end();
      return frame;
    }
    case FrameKind.STREAM_OPEN: {
      const transferId = reader.transferId();
      const flags = reader.u8('flags');
      if ((flags & ~1) !== 0) throw reader.violation(`unknown flag bits 0x${flags.toString(16)}`);
      const totalBytes = reader.u64('total bytes');
      const chunkBytes = reader.u32('chunk bytes');
      const window = reader.u16('window');
      const channel = reader.str('channel', MAX_NAME_BYTES);
      const topic = reader.str('topic', MAX_NAME_BYTES);
      return { kind, transferId, resume: flags === 1, totalBytes, chunkBytes, window, channel, topic, meta: reader.rest() };
    }
    case FrameKind.STREAM_ACK: {
      const transferId = reader.transferId();
      const flags = reader.u8('flags');
      if ((flags & ~1) !== 0) throw reader.violation(`unknown flag bits 0x${flags.toString(16)}`);
      const frame = { kind, transferId, accept: flags === 1, nextIndex: reader.u64('next chunk index') };
      reader.end();
      return frame;
    }
    case FrameKind.STREAM_CHUNK: {
      const transferId = reader.transferId();
      const index = reader.u64('chunk index');
      return { kind, transferId, index, crc: reader.u32('chunk crc32'), data: reader.rest() };
    }
    case FrameKind.STREAM_END: {
      const frame = { kind, transferId: reader.transferId(), crc: reader.u32('payload crc32') };
      reader.end();
      return frame;
    }
    case FrameKind.STREAM_DONE: {
      const frame = { kind, transferId: reader.transferId() };
      reader.end();
      return frame;
    }
    case FrameKind.STREAM_ABORT: {
      const frame = { kind, transferId: reader.transferId(), code: reader.str('error code', MAX_NAME_BYTES), message: reader.str('error message', MAX_TEXT_BYTES) };
      reader.end();
      return frame;
    }
    default:
      throw reader.violation(`unknown frame kind ${kind}`);
  }
}

/**
 * Decodes one frame received from a peer. Frames are untrusted: anything short, oversized, of an unknown
 * version or kind, with bad UTF-8 or trailing bytes throws PROTOCOL_VIOLATION naming the fault, and
 * nothing is allocated beyond small strings (payloads stay views into `bytes`).
 */
export function decodeFrame(bytes: Uint8Array): WireFrame {
  if (bytes.byteLength < 2) {
    throw commError(CommErrorCode.PROTOCOL_VIOLATION, `frame of ${bytes.byteLength} bytes is too short for a header`, { context: { byteLength: bytes.byteLength } });
  }
  const version = bytes[0] ?? 0;
  const kind = bytes[1] ?? 0;
  if (version !== WIRE_VERSION) {
    throw commError(CommErrorCode.PROTOCOL_VIOLATION, `frame has wire version ${version}; this build speaks version ${WIRE_VERSION}`, {
      context: { version, byteLength: bytes.byteLength },
    });
  }
  return decodeKind(new FrameReader(bytes, KIND_NAMES.get(kind) ?? `kind-${kind}`), kind);
}
