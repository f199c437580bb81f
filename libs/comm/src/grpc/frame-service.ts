import type { ServiceDefinition } from '@grpc/grpc-js';
import type { HearthError } from '@hearth/core';
import { decodeFrameMessage, encodeFrameMessage } from './frame-message.js';

/** Full method path of `hearth.comm.v1.FrameStream/Connect` (see frame.proto). */
export const FRAME_STREAM_PATH = '/hearth.comm.v1.FrameStream/Connect';

/**
 * What the deserializer yields for a message that is not a valid Frame. gRPC would answer a throwing
 * deserializer with a bare INTERNAL status that the receiving side never sees, so the connection gets
 * this marker instead and closes itself with the PROTOCOL_VIOLATION it carries.
 */
export class MalformedFrame {
  readonly error: HearthError;

  constructor(error: HearthError) {
    this.error = error;
  }
}

/** Decodes a received message into frame bytes, or into a {@link MalformedFrame} that names the fault. */
export function deserializeFrame(message: Buffer): Uint8Array | MalformedFrame {
  try {
    return decodeFrameMessage(message);
  } catch (error) {
    return new MalformedFrame(error as HearthError);
  }
}

/**
 * The gRPC service of frame.proto, written by hand (no proto-loader): one bidirectional streaming method
 * whose messages are frames, serialised by {@link encodeFrameMessage} and checked by {@link deserializeFrame}.
 */
export const frameStreamService: ServiceDefinition = {
  connect: {
    path: FRAME_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeFrameMessage,
    requestDeserialize: deserializeFrame,
    responseSerialize: encodeFrameMessage,
    responseDeserialize: deserializeFrame,
    originalName: 'Connect',
  },
};
