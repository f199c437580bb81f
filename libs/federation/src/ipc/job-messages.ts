import { Type } from 'typebox';
import type { Static } from 'typebox';
import { DriverNameSchema } from '../config/driver-name.js';

const Text = Type.String({ minLength: 1 });
const Millis = Type.Integer({ minimum: 1 });

/** Everything a server job process needs, sent by the server parent as its first IPC message. */
export const ServerJobInitSchema = Type.Object(
  {
    jobId: Text,
    jobDir: Text,
    workspaceDir: Text,
    logFile: Text,
    logLevel: Text,
    seed: Type.Integer(),
    driver: DriverNameSchema,
    host: Text,
    tls: Type.Object({ cert: Text, key: Text, ca: Type.Optional(Text) }, { additionalProperties: false }),
    mutualTls: Type.Boolean(),
    participants: Type.Array(Type.Object({ site: Text, tokenSha256: Text }, { additionalProperties: false }), { minItems: 1 }),
    minClients: Type.Integer({ minimum: 1 }),
    startTimeoutMs: Millis,
    heartbeatIntervalMs: Millis,
    deadClientGraceMs: Millis,
    allowCustomCode: Type.Boolean(),
    spoolAboveBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** See {@link ServerJobInitSchema}. */
export type ServerJobInit = Static<typeof ServerJobInitSchema>;

/** Server parent to server job process. */
export const ToServerJobSchema = Type.Union([
  Type.Object({ type: Type.Literal('init'), init: ServerJobInitSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('abort'), reason: Text }, { additionalProperties: false }),
]);

/** See {@link ToServerJobSchema}. */
export type ToServerJob = Static<typeof ToServerJobSchema>;

/** A finished round, as the server job process reports it (the workflow's RoundSummary). */
export const RoundSummarySchema = Type.Object(
  {
    round: Type.Integer({ minimum: 0 }),
    clients: Type.Array(Type.String()),
    metrics: Type.Record(Type.String(), Type.Number()),
    best: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** How a server job process ended its job. `not_started`: it never ran (bad job, too few clients joined). */
export const JobOutcomeSchema = Type.Union([Type.Literal('completed'), Type.Literal('aborted'), Type.Literal('failed'), Type.Literal('not_started')]);

/** See {@link JobOutcomeSchema}. */
export type JobOutcome = Static<typeof JobOutcomeSchema>;

/** Server job process to server parent. */
export const FromServerJobSchema = Type.Union([
  Type.Object({ type: Type.Literal('listening'), port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('running') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('round_started'), round: Type.Integer({ minimum: 0 }), numRounds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('round_done'), summary: RoundSummarySchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('clients'), clients: Type.Array(Type.String()) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('finished'), outcome: JobOutcomeSchema, error: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
]);

/** See {@link FromServerJobSchema}. */
export type FromServerJob = Static<typeof FromServerJobSchema>;

/** Everything a client job process needs, sent by the client parent as its first IPC message. */
export const ClientJobInitSchema = Type.Object(
  {
    jobId: Text,
    site: Text,
    jobDir: Text,
    workspaceDir: Text,
    logFile: Text,
    logLevel: Text,
    seed: Type.Integer(),
    driver: DriverNameSchema,
    host: Text,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    tls: Type.Object(
      { ca: Text, cert: Type.Optional(Text), key: Type.Optional(Text), serverName: Type.Optional(Text) },
      { additionalProperties: false },
    ),
    token: Text,
    allowCustomCode: Type.Boolean(),
    reconnectInitialDelayMs: Millis,
    reconnectMaxDelayMs: Millis,
    giveUpAfterMs: Millis,
    spoolAboveBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** See {@link ClientJobInitSchema}. */
export type ClientJobInit = Static<typeof ClientJobInitSchema>;

/** Client parent to client job process. */
export const ToClientJobSchema = Type.Union([
  Type.Object({ type: Type.Literal('init'), init: ClientJobInitSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('stop'), reason: Text }, { additionalProperties: false }),
]);

/** See {@link ToClientJobSchema}. */
export type ToClientJob = Static<typeof ToClientJobSchema>;

/** Client job process to client parent. */
export const FromClientJobSchema = Type.Union([
  Type.Object({ type: Type.Literal('joined') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ended'), status: Text }, { additionalProperties: false }),
]);

/** See {@link FromClientJobSchema}. */
export type FromClientJob = Static<typeof FromClientJobSchema>;

/** Exit codes of job processes, so the parent tells a clean end from a failure. */
export const JobProcessExit = {
  /** The job ended (completed, aborted or stopped) and the process closed cleanly. */
  OK: 0,
  /** The job could not be built or run, or the process failed. */
  FAILED: 1,
  /** The job's server refused this site's login. */
  REFUSED: 2,
  /** The job's server could not be reached for the grace period. */
  LOST: 3,
} as const;
