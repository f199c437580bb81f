import { encodeParamMap } from '@hearth/codec';
import { ALL_SITES, JobBuilder } from '@hearth/job';
import { INITIAL_MODEL_FILE, initialModel } from './initial-model.js';
import type { CompiledTemplateOptions } from './template-options.js';

/** The one app of a template job; it runs on the server and on every client. */
export const TEMPLATE_APP = 'app';

/**
 * The part every template job shares: `meta.json` (name, the app deployed to `@ALL`, `min_clients` = the
 * clients) and the seeded initial model under `models/`.
 */
export function templateJobBase(options: CompiledTemplateOptions): JobBuilder {
  const model = initialModel(options);
  return new JobBuilder({ name: options.name, minClients: options.clients })
    .deployTo(TEMPLATE_APP, [ALL_SITES])
    .addFile(INITIAL_MODEL_FILE, encodeParamMap(model.params, { metadata: model.metadata }));
}
