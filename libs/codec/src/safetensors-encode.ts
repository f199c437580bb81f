import type { ParamMap } from '@hearth/core';
import { codecError, CodecErrorCode } from './errors.js';
import { fixedFields } from './internal/byte-layout.js';
import { concatParts } from './internal/concat-parts.js';
import { isWellFormedText, paddedJsonBytes } from './internal/json-text.js';
import { METADATA_KEY, tensorBytesForEncoding } from './internal/tensor-bytes.js';

/** Options for encoding a ParamMap as safetensors. */
export interface SafetensorsEncodeOptions {
  /**
   * String metadata stored under `__metadata__` (for example `{ format: 'pt' }`, which PyTorch loaders
   * like to see). Omitted from the header when empty. @default {}
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

function metadataEntries(metadata: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw codecError(CodecErrorCode.INVALID_INPUT, `safetensors metadata ${JSON.stringify(key)} must be a string, got ${typeof value}`, {
        context: { key },
      });
    }
    if (!isWellFormedText(key) || !isWellFormedText(value)) {
      throw codecError(CodecErrorCode.INVALID_INPUT, `safetensors metadata ${JSON.stringify(key)} has an unpaired UTF-16 surrogate`, {
        context: { key },
      });
    }
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return parts.join(',');
}

/**
 * Encodes `params` as safetensors, as a list of parts whose concatenation is the file: first the
 * 8-byte header length and the JSON header, then each non-empty tensor's own memory (views, never
 * copies). Transports and file writers send the parts one after another, so a model of any size goes
 * out without ever being concatenated. Tensors are laid out in the map's insertion order; the header
 * is padded with spaces so the data starts 8-byte aligned.
 */
export function encodeParamMapParts(params: ParamMap, options: SafetensorsEncodeOptions = {}): Uint8Array[] {
  const entries: string[] = [];
  const metadata = metadataEntries(options.metadata ?? {});
  if (metadata !== '') entries.push(`${JSON.stringify(METADATA_KEY)}:{${metadata}}`);
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of params) {
    const bytes = tensorBytesForEncoding(name, t);
    const end = offset + bytes.byteLength;
    entries.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    if (bytes.byteLength > 0) data.push(bytes);
    offset = end;
  }
  const header = paddedJsonBytes(`{${entries.join(',')}}`);
  const head = fixedFields(8 + header.byteLength);
  head.view.setBigUint64(0, BigInt(header.byteLength), true);
  head.bytes.set(header, 8);
  return [head.bytes, ...data];
}

/**
 * Encodes `params` as one safetensors buffer (see {@link encodeParamMapParts} for the layout). The
 * result is a fresh, 8-byte aligned buffer, so decoding it gives zero-copy views. Prefer the parts for
 * large models.
 */
export function encodeParamMap(params: ParamMap, options: SafetensorsEncodeOptions = {}): Uint8Array {
  return concatParts(encodeParamMapParts(params, options));
}
