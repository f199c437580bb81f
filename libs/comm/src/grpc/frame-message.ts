import { commError, CommErrorCode } from '../errors.js';

/** Tag of `bytes data = 1` (field 1, wire type 2). */
const DATA_TAG = 0x0a;
/** A varint of a 32-bit length takes at most five bytes. */
const MAX_VARINT_BYTES = 5;

/**
 * Encodes a frame's parts as the protobuf message `hearth.comm.v1.Frame` (see frame.proto): the data tag,
 * the length as a varint, then the bytes. gRPC needs one Buffer per message, so this is the one copy a
 * frame makes on its way out.
 */
export function encodeFrameMessage(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  if (length === 0) return Buffer.alloc(0);
  const prefix: number[] = [DATA_TAG];
  let rest = length;
  while (rest >= 0x80) {
    prefix.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  prefix.push(rest);
  const out = Buffer.allocUnsafe(prefix.length + length);
  out.set(prefix, 0);
  let offset = prefix.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function malformed(reason: string, byteLength: number): Error {
  return commError(CommErrorCode.PROTOCOL_VIOLATION, `malformed gRPC Frame message (${byteLength} bytes): ${reason}`, {
    context: { byteLength },
  });
}

/**
 * Decodes a `hearth.comm.v1.Frame` message into a view of its data (no copy: gRPC hands over a fresh
 * Buffer per message). Anything but exactly one length-delimited field 1 covering the rest of the message
 * is refused, so malformed input surfaces as a PROTOCOL_VIOLATION.
 */
export function decodeFrameMessage(message: Buffer): Uint8Array {
  if (message.byteLength === 0) return new Uint8Array(0);
  if (message[0] !== DATA_TAG) throw malformed(`expected field 1 of wire type 2 (tag 0x0a), got tag 0x${(message[0] ?? 0).toString(16)}`, message.byteLength);
  let length = 0;
  let scale = 1;
  let position = 1;
  for (;;) {
    if (position > MAX_VARINT_BYTES) throw malformed('length varint is longer than five bytes', message.byteLength);
    const byte = message[position];
    if (byte === undefined) throw malformed('length varint is truncated', message.byteLength);
    position += 1;
    length += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) break;
  }
  if (position + length !== message.byteLength) {
    throw malformed(`declared data length ${length} does not match the ${message.byteLength - position} bytes that follow`, message.byteLength);
  }
  return message.subarray(position);
}
