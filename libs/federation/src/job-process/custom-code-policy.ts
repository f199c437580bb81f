import { HearthError } from '@hearth/core';
import type { JobApp } from '@hearth/job';
import { JobErrorCode, isCustomType } from '@hearth/job';

/** The custom component types (`module#Export`) an app config names, outside component args. */
export function customTypesOf(config: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'args') continue;
      if (key === 'type' && typeof child === 'string' && isCustomType(child)) found.add(child);
      else walk(child);
    }
  };
  walk(config);
  return [...found];
}

/**
 * Applies a site's custom-code policy to the one side of an app that site runs: throws
 * HEARTH_ERR_CUSTOM_CODE_NOT_ALLOWED naming the types when the config names custom code the site refuses.
 * Jobs are validated without loading any custom code; only the site's own side is built (and loads it).
 */
export function enforceCustomCodePolicy(input: { readonly app: JobApp; readonly side: 'server' | 'client'; readonly allow: boolean; readonly site: string }): void {
  if (input.allow) return;
  const types = customTypesOf(input.side === 'server' ? input.app.server : input.app.client);
  if (types.length === 0) return;
  throw new HearthError(
    JobErrorCode.CUSTOM_CODE_NOT_ALLOWED,
    `site ${input.site} does not allow custom code, and app "${input.app.name}" names ${types.join(', ')} (allow_custom_code in the site's config)`,
    { context: { site: input.site, types } },
  );
}
