import { CrossSiteModelEval } from '@hearth/workflow';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';
import { seconds, toMs } from './arg-helpers.js';

/**
 * `CrossSiteModelEval`: every client's model and the server's global model, evaluated by every client; the
 * matrix goes to `cross_site_val/cross_val_results.json` and `.md` in the server workspace.
 */
export const CrossSiteModelEvalType = defineComponent({
  type: 'CrossSiteModelEval',
  argsSchema: Type.Object(
    {
      submit_model_task_name: Type.String({ minLength: 1, default: 'submit_model' }),
      validation_task_name: Type.String({ minLength: 1, default: 'validate' }),
      submit_model_timeout: seconds('seconds a client may take to submit its model; 0 waits forever', 600),
      validation_timeout: seconds('seconds a client may take to evaluate one model; 0 waits forever', 6000),
      participating_clients: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: 'default: every connected client' }),
      ),
      model_locator_id: Type.Optional(Type.String({ minLength: 1, description: 'component id of a model locator holding the server model' })),
      server_model_name: Type.String({ minLength: 1, default: 'final', description: 'tag of the server model at the locator' }),
      results_dir: Type.String({ minLength: 1, default: 'cross_site_val', description: 'folder under the server workspace' }),
    },
    { additionalProperties: false },
  ),
  create: (args) =>
    new CrossSiteModelEval({
      submitModelTaskName: args.submit_model_task_name,
      validationTaskName: args.validation_task_name,
      submitModelTimeoutMs: toMs(args.submit_model_timeout),
      validationTimeoutMs: toMs(args.validation_timeout),
      serverModelName: args.server_model_name,
      resultsDir: args.results_dir,
      ...(args.participating_clients === undefined ? {} : { participatingClients: args.participating_clients }),
      ...(args.model_locator_id === undefined ? {} : { modelLocatorId: args.model_locator_id }),
    }),
});
