import { JobStatus } from '@hearth/job';
import type { JobStatusValue } from '@hearth/job';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { RoundSummarySchema } from '../ipc/job-messages.js';

const Time = Type.String({ minLength: 1, description: 'ISO 8601' });

/**
 * What the server keeps about a job (`jobs/<id>/job.json`) and what the admin endpoint shows: identity,
 * status (the job status machine of @hearth/job), who takes part, round progress and the error, if any.
 */
export const JobRecordSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    status: Type.Enum(Object.values(JobStatus)),
    submitted_at: Time,
    started_at: Type.Union([Time, Type.Null()]),
    finished_at: Type.Union([Time, Type.Null()]),
    seed: Type.Integer(),
    min_clients: Type.Integer({ minimum: 1 }),
    deploy_sites: Type.Union([Type.Literal('@ALL'), Type.Array(Type.String())]),
    mandatory_clients: Type.Array(Type.String()),
    participants: Type.Array(Type.String()),
    clients: Type.Array(Type.String()),
    current_round: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    num_rounds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    rounds: Type.Array(RoundSummarySchema),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** See {@link JobRecordSchema}. */
export type JobRecord = Static<typeof JobRecordSchema> & { readonly status: JobStatusValue };

/** The short form of a job in listings. */
export interface JobSummary {
  readonly id: string;
  readonly name: string;
  readonly status: JobStatusValue;
  readonly submitted_at: string;
  readonly finished_at: string | null;
  readonly current_round: number | null;
  readonly num_rounds: number | null;
}

/** The listing form of a record. */
export function summarizeJob(record: JobRecord): JobSummary {
  const { id, name, status, submitted_at, finished_at, current_round, num_rounds } = record;
  return { id, name, status, submitted_at, finished_at, current_round, num_rounds };
}
