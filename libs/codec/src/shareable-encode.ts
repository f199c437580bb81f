import type { Dxo, Shareable } from '@hearth/core';
import { codecError, CodecErrorCode } from './errors.js';
import { alignTo8, fixedFields } from './internal/byte-layout.js';
import { crc32OfParts } from './internal/checksum.js';
import { concatParts } from './internal/concat-parts.js';
import { DXO_RECORD, ENVELOPE } from './internal/envelope-layout.js';
import { paddedJsonBytes, stringifyJson } from './internal/json-text.js';
import { PartsBuilder } from './internal/parts-builder.js';
import { encodeParamMapParts } from './safetensors-encode.js';

function encodeDxo(dxo: Dxo, out: PartsBuilder, ancestors: Set<Dxo>): void {
  if (ancestors.has(dxo)) {
    throw codecError(CodecErrorCode.INVALID_INPUT, `a ${dxo.kind} DXO contains itself among its items`, { context: { kind: dxo.kind } });
  }
  const record: Record<string, unknown> = { kind: dxo.kind, meta: dxo.meta };
  if (dxo.values !== undefined) record['values'] = dxo.values;
  if (dxo.items !== undefined) record['items'] = [...dxo.items.keys()];
  const json = paddedJsonBytes(stringifyJson(record, `${dxo.kind} DXO record`));
  const fixed = fixedFields(DXO_RECORD.FIXED_BYTES);
  fixed.view.setUint32(0, json.byteLength, true);
  fixed.view.setUint32(4, dxo.params === undefined ? 0 : DXO_RECORD.FLAG_HAS_PARAMS, true);
  out.own(fixed.bytes);
  out.own(json);
  if (dxo.params !== undefined) {
    const [head, ...tensors] = encodeParamMapParts(dxo.params);
    const length = tensors.reduce((sum, part) => sum + part.byteLength, head?.byteLength ?? 0);
    const prefix = fixedFields(8);
    prefix.view.setBigUint64(0, BigInt(length), true);
    out.own(prefix.bytes);
    if (head !== undefined) out.own(head);
    for (const part of tensors) out.view(part);
    out.own(new Uint8Array(alignTo8(out.byteLength) - out.byteLength));
  }
  if (dxo.items !== undefined) {
    ancestors.add(dxo);
    for (const item of dxo.items.values()) encodeDxo(item, out, ancestors);
    ancestors.delete(dxo);
  }
}

/**
 * Encodes a Shareable as a list of parts whose concatenation is the envelope (layout in the codec's
 * `internal/envelope-layout.ts`): headers as JSON, the DXO's kind and meta, its tensors in safetensors
 * layout (views over the tensors' own memory, never copied, never JSON numbers), JSON values for JSON
 * kinds and nested records for COLLECTION, all under a CRC-32. Transports send the parts in order, so
 * large models never need one contiguous buffer.
 */
export function encodeShareableParts(shareable: Shareable): Uint8Array[] {
  const body = new PartsBuilder();
  const headers = paddedJsonBytes(stringifyJson(shareable.headers, 'Shareable headers'));
  body.own(headers);
  if (shareable.dxo !== undefined) encodeDxo(shareable.dxo, body, new Set());
  const parts = body.finish();
  const prelude = fixedFields(ENVELOPE.PRELUDE_BYTES);
  prelude.bytes.set(ENVELOPE.MAGIC, 0);
  prelude.view.setUint8(8, ENVELOPE.VERSION);
  prelude.view.setUint8(9, shareable.dxo === undefined ? 0 : ENVELOPE.FLAG_HAS_DXO);
  prelude.view.setUint32(12, headers.byteLength, true);
  prelude.view.setBigUint64(16, BigInt(body.byteLength), true);
  const crc = crc32OfParts([prelude.bytes.subarray(ENVELOPE.CHECKED_FROM), ...parts]);
  prelude.view.setUint32(ENVELOPE.CRC_OFFSET, crc, true);
  return [prelude.bytes, ...parts];
}

/**
 * Encodes a Shareable into one fresh, 8-byte aligned buffer (the concatenation of
 * {@link encodeShareableParts}); {@link decodeShareable} of it gives tensors as zero-copy views.
 */
export function encodeShareable(shareable: Shareable): Uint8Array {
  return concatParts(encodeShareableParts(shareable));
}
