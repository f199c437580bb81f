import { Type } from 'typebox';

/** Payloads above 1 GiB go to disk unless a config says otherwise. */
export const DEFAULT_SPOOL_ABOVE_BYTES = 1024 ** 3;

/** `spool_above_bytes` of the server and client configs; at most 4 GiB, the largest payload held in one buffer. */
export const SpoolAboveBytesSchema = Type.Integer({
  minimum: 0,
  maximum: 4294967296,
  description: 'payloads (models) larger than this go to a file in the job folder instead of memory',
});
