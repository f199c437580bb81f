import { Type } from 'typebox';
import type { Static } from 'typebox';

/** Topics between a server job process and its client job processes, beside the session's own. */
export const JobTopic = {
  /** Stream, server to client: a task (an encoded Shareable); meta is a {@link TaskMeta}. */
  TASK: 'job.task',
  /** Message, server to client: drop or abort a task; body `{ taskId }`. */
  REVOKE: 'job.revoke',
  /** Message, server to client: the job is aborted. */
  ABORT: 'job.abort',
  /** Message, server to client: the job is over; body `{ status }`. */
  END: 'job.end',
  /** Stream, client to server: a task result (an encoded Shareable); meta is a {@link TaskMeta}. */
  RESULT: 'job.result',
  /** Message, client to server: streamed analytics points (engine's analytics message bytes). */
  ANALYTICS: 'job.analytics',
} as const;

/** The stream meta of a task or a result: which (task, client) pair it belongs to. */
export const TaskMetaSchema = Type.Object(
  {
    taskName: Type.String({ minLength: 1, maxLength: 256 }),
    taskId: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/** See {@link TaskMetaSchema}. */
export type TaskMeta = Static<typeof TaskMetaSchema>;

/** Body of {@link JobTopic.REVOKE}. */
export const RevokeBodySchema = Type.Object({ taskId: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

/** Body of {@link JobTopic.END}: how the run ended on the server (`completed`, `aborted`, `failed`). */
export const EndBodySchema = Type.Object({ status: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
