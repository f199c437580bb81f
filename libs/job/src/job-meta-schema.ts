import { Type } from 'typebox';
import type { Static } from 'typebox';

/** The site name of the FL server in a deploy map. */
export const SERVER_SITE = 'server';

/** Deploy-map entry meaning "the server and every client" (matched case-insensitively, as in NVFlare). */
export const ALL_SITES = '@ALL';

/** What a job asks of one site before it can be scheduled there. */
export const ResourceRequestSchema = Type.Object(
  {
    num_gpus: Type.Optional(Type.Integer({ minimum: 0, description: 'GPUs the job needs on the site' })),
    mem_per_gpu_in_GiB: Type.Optional(Type.Number({ minimum: 0, description: 'free memory each of those GPUs must have' })),
    cpus: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'CPU cores the job needs on the site' })),
  },
  { additionalProperties: false },
);

/** One site's resource request in `meta.json`. */
export type ResourceRequest = Static<typeof ResourceRequestSchema>;

/** `deploy_map`: app folder name → sites that run it (`server`, site names, or `@ALL`). */
export const DeployMapSchema = Type.Record(Type.String(), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }));

/** Which app each site runs. */
export type DeployMap = Static<typeof DeployMapSchema>;

/**
 * `meta.json` of a job folder: the job's name, which app goes to which site, how many clients it needs and
 * which must take part, what it needs of each site, and the privacy scope it asks for. Unknown keys are
 * rejected so that a misspelt key (`min_client`) is reported instead of silently ignored; free-form user
 * data goes under `custom_props`.
 */
export const JobMetaSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'human-readable job name' }),
    deploy_map: DeployMapSchema,
    min_clients: Type.Optional(Type.Integer({ minimum: 1, description: 'clients that must be available to schedule the job' })),
    mandatory_clients: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
    resource_spec: Type.Optional(Type.Record(Type.String(), ResourceRequestSchema)),
    scope: Type.Optional(Type.String({ minLength: 1, description: 'privacy scope the job asks each site to apply' })),
    custom_props: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** The contents of a valid `meta.json`. */
export type JobMeta = Static<typeof JobMetaSchema>;
