import { HeaderKey } from '@hearth/core';
import type { JsonObject, Shareable } from '@hearth/core';

/** The public context props the peer sent in the `peer_props` header, if any. */
export function peerPropsOf(shareable: Shareable): JsonObject | undefined {
  const props = shareable.headers[HeaderKey.PEER_PROPS];
  return typeof props === 'object' && props !== null && !Array.isArray(props) ? (props as JsonObject) : undefined;
}
