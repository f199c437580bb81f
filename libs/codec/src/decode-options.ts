import { codecError, CodecErrorCode } from './errors.js';

/**
 * Limits for decoding untrusted bytes. Every declared size is checked against these and against the
 * actual input before anything is allocated, so a hostile peer cannot make a decoder allocate or
 * recurse without bound.
 */
export interface DecodeOptions {
  /** Largest input accepted, in bytes (a whole envelope or safetensors buffer or file). @default 17179869184 (16 GiB) */
  readonly maxBytes?: number;
  /**
   * Largest JSON header accepted, in bytes (safetensors header, Shareable headers, DXO record).
   * @default 100000000 (the limit of the reference safetensors implementation)
   */
  readonly maxHeaderBytes?: number;
  /** Most tensors accepted in one input, counted over all nested DXOs. @default 262144 */
  readonly maxTensors?: number;
  /** Deepest DXO nesting accepted (a COLLECTION inside a COLLECTION ...); the top DXO is depth 1. @default 16 */
  readonly maxDepth?: number;
  /** Deepest JSON nesting accepted in headers, meta and values (arrays and objects). @default 64 */
  readonly maxJsonDepth?: number;
}

/** {@link DecodeOptions} with every default filled in and checked; made by {@link compileDecodeOptions}. */
export interface CompiledDecodeOptions {
  readonly maxBytes: number;
  readonly maxHeaderBytes: number;
  readonly maxTensors: number;
  readonly maxDepth: number;
  readonly maxJsonDepth: number;
}

const DEFAULTS: CompiledDecodeOptions = {
  maxBytes: 16 * 1024 ** 3,
  maxHeaderBytes: 100_000_000,
  maxTensors: 262_144,
  maxDepth: 16,
  maxJsonDepth: 64,
};

/**
 * Fills in the defaults of {@link DecodeOptions} and rejects limits that are not positive safe
 * integers. Decoders call it once per call; callers that decode often may compile once and pass the result.
 */
export function compileDecodeOptions(options: DecodeOptions = {}): CompiledDecodeOptions {
  const compiled: CompiledDecodeOptions = {
    maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
    maxHeaderBytes: options.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
    maxTensors: options.maxTensors ?? DEFAULTS.maxTensors,
    maxDepth: options.maxDepth ?? DEFAULTS.maxDepth,
    maxJsonDepth: options.maxJsonDepth ?? DEFAULTS.maxJsonDepth,
  };
  for (const [name, value] of Object.entries(compiled)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw codecError(CodecErrorCode.INVALID_INPUT, `decode option ${name} must be a positive integer, got ${String(value)}`, {
        context: { option: name, value },
      });
    }
  }
  return compiled;
}

/** One limit check for {@link enforceLimit}. */
export interface LimitCheck {
  /** What was measured, for the message (`safetensors header bytes`, `DXO nesting depth`). */
  readonly what: string;
  /** The declared or actual amount. */
  readonly value: number;
  /** Which limit applies. */
  readonly option: keyof CompiledDecodeOptions;
  readonly limits: CompiledDecodeOptions;
}

/** Throws LIMIT_EXCEEDED, naming the measure and the option, when `value` is over its limit. */
export function enforceLimit(check: LimitCheck): void {
  const limit = check.limits[check.option];
  if (check.value > limit) {
    throw codecError(CodecErrorCode.LIMIT_EXCEEDED, `${check.what} ${check.value} exceeds ${check.option} ${limit}`, {
      context: { what: check.what, value: check.value, [check.option]: limit },
    });
  }
}
