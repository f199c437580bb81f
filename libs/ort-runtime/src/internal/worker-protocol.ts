import type { TensorData } from '@hearth/core';
import type { OrtTensorType } from '../dtype-map.js';
import type { ExecutionProviderName, OrtLogLevel, WorkerSessionOptions } from '../ort-options.js';
import type { OrtValueInfo } from '../value-info.js';

/** A tensor as it crosses the thread boundary: ORT's element type, dimensions and data. */
export interface WireTensor {
  readonly type: OrtTensorType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** Create the session, trying providers in order. */
export interface InitRequest {
  readonly kind: 'init';
  readonly model: Uint8Array;
  readonly providers: readonly ExecutionProviderName[];
  readonly deviceId: number;
  readonly sessionOptions: WorkerSessionOptions;
  readonly ortLogLevel: OrtLogLevel;
}

/** Run the session once. */
export interface RunRequest {
  readonly kind: 'run';
  readonly feeds: Readonly<Record<string, WireTensor>>;
  readonly fetches: readonly string[];
}

/** Release the session and exit; requests still queued are skipped. */
export interface CloseRequest {
  readonly kind: 'close';
}

/** Everything the host asks of the worker. */
export type WorkerRequest = InitRequest | RunRequest | CloseRequest;

/** What the worker gets at start: a flag the host sets to 1 when it closes, so queued requests are skipped. */
export interface WorkerData {
  readonly closing: SharedArrayBuffer;
}

/** Why one provider could not create the session. */
export interface ProviderAttempt {
  readonly provider: ExecutionProviderName;
  readonly error: string;
}

/** Outcome of an init: the provider that worked (undefined when none did), every failed attempt, and the model's signature. */
export interface InitReply {
  readonly executionProvider: ExecutionProviderName | undefined;
  readonly attempts: readonly ProviderAttempt[];
  readonly inputs: readonly OrtValueInfo[];
  readonly outputs: readonly OrtValueInfo[];
}

/** Outputs of a run, by name. */
export interface RunReply {
  readonly outputs: Readonly<Record<string, WireTensor>>;
}

/** Host to worker: a request with the id its reply will carry. */
export interface RequestEnvelope {
  readonly id: number;
  readonly request: WorkerRequest;
}

/** Worker to host: the reply to request `id`, or the message of the error it raised. */
export type ReplyEnvelope =
  | { readonly id: number; readonly ok: true; readonly value: InitReply | RunReply }
  | { readonly id: number; readonly ok: false; readonly error: string };
