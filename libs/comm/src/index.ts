export { CommErrorCode, commError, isCommError, isCommErrorCode } from './errors.js';
export type { CommErrorCodeValue } from './errors.js';
export type { CloseReason, Connection, ConnectOptions, Driver, FrameInput, Listener, ListenOptions } from './driver.js';
export { DEFAULT_MAX_FRAME_BYTES } from './driver-options.js';
export type { ClientTlsOptions, Pem, ServerTlsOptions } from './tls-options.js';
export { GrpcDriver } from './grpc/grpc-driver.js';
export type { GrpcDriverOptions } from './grpc/grpc-driver-options.js';
export { grpcStatusError } from './grpc/grpc-status-error.js';
export type { GrpcStatusContext, GrpcStatusReport } from './grpc/grpc-status-error.js';
export { WsDriver } from './ws/ws-driver.js';
export type { WsDriverOptions } from './ws/ws-driver-options.js';
export { InprocDriver } from './inproc/inproc-driver.js';
export type { InprocConnectOptions, InprocListenOptions } from './inproc/inproc-driver.js';
export { Messenger } from './messenger/messenger.js';
export type { MessengerOptions } from './messenger/messenger-options.js';
export type { MessengerStats } from './messenger/messenger-stats.js';
export type {
  Address,
  Body,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  OutgoingRequest,
  OutgoingStream,
  StreamReport,
} from './messenger/messenger-types.js';
export type { IncomingStream, StreamHandler, StreamSink } from './streaming/stream-sink.js';
export { BufferSink } from './streaming/buffer-sink.js';
export type { BufferSinkOptions } from './streaming/buffer-sink.js';
export { FileSink } from './streaming/file-sink.js';
export type { FileSinkOptions } from './streaming/file-sink.js';
