import { Type } from 'typebox';
import type { Static } from 'typebox';

/** Topics between the server parent and the client parents, beside the session's own. */
export const ControlTopic = {
  /** Stream, server to client: a job bundle to run; meta is a {@link DeployMeta}. */
  DEPLOY: 'control.deploy',
  /** Message, server to client: the jobs this site takes part in that still run (`{ running: [...] }`); others are stopped. */
  SYNC: 'control.sync',
  /** Message, server to client: stop a job's client process (`{ jobId, reason }`). */
  STOP: 'control.stop',
  /** Message, client to server: what became of a job's client process; body is a {@link JobStateReport}. */
  JOB_STATE: 'control.job_state',
} as const;

const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$' });

/** What a client parent needs, beside the bundle, to run a job's client process. */
export const DeployMetaSchema = Type.Object(
  {
    jobId: Id,
    jobName: Type.String({ minLength: 1, maxLength: 256 }),
    host: Type.String({ minLength: 1, maxLength: 256 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    token: Type.String({ minLength: 1, maxLength: 1024 }),
    seed: Type.Integer(),
  },
  { additionalProperties: false },
);

/** See {@link DeployMetaSchema}. */
export type DeployMeta = Static<typeof DeployMetaSchema>;

/** Body of {@link ControlTopic.SYNC}. */
export const SyncBodySchema = Type.Object({ running: Type.Array(Id) }, { additionalProperties: false });

/** Body of {@link ControlTopic.STOP}. */
export const StopBodySchema = Type.Object({ jobId: Id, reason: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });

/** Body of {@link ControlTopic.JOB_STATE}: `joined` (it reached the job), `exited` (cleanly) or `failed`. */
export const JobStateReportSchema = Type.Object(
  {
    jobId: Id,
    state: Type.Union([Type.Literal('joined'), Type.Literal('exited'), Type.Literal('failed')]),
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    signal: Type.Union([Type.String(), Type.Null()]),
    error: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
  },
  { additionalProperties: false },
);

/** See {@link JobStateReportSchema}. */
export type JobStateReport = Static<typeof JobStateReportSchema>;
