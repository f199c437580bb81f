/**
 * Messenger frames: the small binary header every frame starts with, by kind. All integers are
 * little-endian; 64-bit fields hold integers up to 2^53 - 1; strings are a u16 byte length then UTF-8.
 *
 * ```
 *  0 u8 version (1)   1 u8 kind
 *  MESSAGE       str channel, str topic                      | body
 *  REQUEST       u64 id, str channel, str topic              | body
 *  REPLY         u64 id                                      | body
 *  REPLY_ERROR   u64 id, str code, str message
 *  STREAM_OPEN   16B transfer, u8 flags (1: resume), u64 total bytes, u32 chunk bytes, u16 window,
 *                str channel, str topic                      | meta
 *  STREAM_ACK    16B transfer, u8 flags (1: accept, the answer to STREAM_OPEN), u64 next chunk index
 *                (every chunk before it is stored)
 *  STREAM_CHUNK  16B transfer, u64 index, u32 crc32          | data
 *  STREAM_END    16B transfer, u32 crc32 of the whole payload
 *  STREAM_DONE   16B transfer
 *  STREAM_ABORT  16B transfer, str code, str message
 * ```
 */
export const WIRE_VERSION = 1;

/** Frame kinds, the second byte of every frame. */
export const FrameKind = {
  MESSAGE: 1,
  REQUEST: 2,
  REPLY: 3,
  REPLY_ERROR: 4,
  STREAM_OPEN: 5,
  STREAM_ACK: 6,
  STREAM_CHUNK: 7,
  STREAM_END: 8,
  STREAM_DONE: 9,
  STREAM_ABORT: 10,
} as const;

/** Bytes of a transfer id (random, so ids never collide across reconnects). */
export const TRANSFER_ID_BYTES = 16;
/** Longest channel, topic or error code, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 256;
/** Longest error message carried in a frame, in UTF-8 bytes (longer ones are cut). */
export const MAX_TEXT_BYTES = 4096;
/** Longest transfer window a frame can declare. */
export const MAX_WINDOW = 0xffff;

/** A decoded frame; byte fields are views into the received frame. */
export type WireFrame =
  | { readonly kind: typeof FrameKind.MESSAGE; readonly channel: string; readonly topic: string; readonly body: Uint8Array }
  | { readonly kind: typeof FrameKind.REQUEST; readonly id: number; readonly channel: string; readonly topic: string; readonly body: Uint8Array }
  | { readonly kind: typeof FrameKind.REPLY; readonly id: number; readonly body: Uint8Array }
  | { readonly kind: typeof FrameKind.REPLY_ERROR; readonly id: number; readonly code: string; readonly message: string }
  | {
      readonly kind: typeof FrameKind.STREAM_OPEN;
      readonly transferId: string;
      readonly resume: boolean;
      readonly totalBytes: number;
      readonly chunkBytes: number;
      readonly window: number;
      readonly channel: string;
      readonly topic: string;
      readonly meta: Uint8Array;
    }
  | { readonly kind: typeof FrameKind.STREAM_ACK; readonly transferId: string; readonly accept: boolean; readonly nextIndex: number }
  | { readonly kind: typeof FrameKind.STREAM_CHUNK; readonly transferId: string; readonly index: number; readonly crc: number; readonly data: Uint8Array }
  | { readonly kind: typeof FrameKind.STREAM_END; readonly transferId: string; readonly crc: number }
  | { readonly kind: typeof FrameKind.STREAM_DONE; readonly transferId: string }
  | { readonly kind: typeof FrameKind.STREAM_ABORT; readonly transferId: string; readonly code: string; readonly message: string };

/** Payload bytes of a frame to send, as parts (never concatenated by the messenger). */
export type Payload = readonly Uint8Array[];

/** A frame to encode: like {@link WireFrame}, with byte fields given as parts. */
export type OutgoingFrame =
  | (Omit<Extract<WireFrame, { kind: typeof FrameKind.MESSAGE }>, 'body'> & { readonly body: Payload })
  | (Omit<Extract<WireFrame, { kind: typeof FrameKind.REQUEST }>, 'body'> & { readonly body: Payload })
  | (Omit<Extract<WireFrame, { kind: typeof FrameKind.REPLY }>, 'body'> & { readonly body: Payload })
  | Extract<WireFrame, { kind: typeof FrameKind.REPLY_ERROR }>
  | (Omit<Extract<WireFrame, { kind: typeof FrameKind.STREAM_OPEN }>, 'meta'> & { readonly meta: Payload })
  | Extract<WireFrame, { kind: typeof FrameKind.STREAM_ACK }>
  | (Omit<Extract<WireFrame, { kind: typeof FrameKind.STREAM_CHUNK }>, 'data'> & { readonly data: Payload })
  | Extract<WireFrame, { kind: typeof FrameKind.STREAM_END }>
  | Extract<WireFrame, { kind: typeof FrameKind.STREAM_DONE }>
  | Extract<WireFrame, { kind: typeof FrameKind.STREAM_ABORT }>;
