// Transport settings shared by the benchmark's server and clients. The defaults are the libraries'
// defaults; HEARTH_BENCH_CHUNK_BYTES, HEARTH_BENCH_WINDOW and HEARTH_BENCH_HTTP2_WINDOW_BYTES override them
// to explore other values.

/** Bytes per stream chunk (the Messenger's `chunkBytes`), or undefined for the library default. */
const chunkBytes = process.env.HEARTH_BENCH_CHUNK_BYTES === undefined ? undefined : Number(process.env.HEARTH_BENCH_CHUNK_BYTES);
/** Chunks in flight per transfer (the Messenger's `window`), or undefined for the library default. */
const window = process.env.HEARTH_BENCH_WINDOW === undefined ? undefined : Number(process.env.HEARTH_BENCH_WINDOW);

/** Options of every Messenger in the benchmark: the library defaults unless overridden. */
export const MESSENGER_OPTIONS = {
  ...(chunkBytes === undefined ? {} : { chunkBytes, maxInboundChunkBytes: chunkBytes }),
  ...(window === undefined ? {} : { window, maxInboundWindow: window }),
};

/** Largest frame on every connection: room for the chunk and its header. */
export const MAX_FRAME_BYTES = Math.max(4 * 1024 * 1024, (chunkBytes ?? 0) + 64 * 1024);

/** Size of the scratch buffer the server folds result chunks through (any chunk size works; larger is fewer passes). */
export const SCRATCH_BYTES = 4 * 1024 * 1024;

/** HTTP/2 flow-control window of the grpc driver (`flowControlWindowBytes`), or undefined for its default. */
const http2Window = process.env.HEARTH_BENCH_HTTP2_WINDOW_BYTES === undefined ? undefined : Number(process.env.HEARTH_BENCH_HTTP2_WINDOW_BYTES);

/** Options of the grpc driver on both sides: the library defaults unless overridden. */
export const GRPC_DRIVER_OPTIONS = http2Window === undefined ? {} : { flowControlWindowBytes: http2Window };
