import type { Tensor } from '@hearth/core';

/**
 * The port through which the trainer runs compiled programs. libs/ort-runtime implements it with
 * onnxruntime-node sessions in worker threads; this lib never touches the runtime itself.
 */
export interface SessionRunner {
  /** Runs the model once with `feeds` (by input name) and returns the `fetches` outputs by name. */
  run(feeds: Record<string, Tensor>, fetches: string[]): Promise<Record<string, Tensor>>;
  /** Releases the session. */
  close(): Promise<void>;
}

/** Opens a session over ONNX model bytes. */
export type SessionFactory = (model: Uint8Array) => Promise<SessionRunner>;
