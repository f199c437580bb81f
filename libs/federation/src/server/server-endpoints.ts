import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { writeJsonAtomic } from '@hearth/core';
import { FederationErrorCode } from '../errors.js';
import { checkValue } from '../internal/check-value.js';

/**
 * What a running server parent writes to `<workspace>/run/endpoints.json` once it listens: its pid and the
 * ports it bound (the ones the OS picked when the config says 0), for start scripts, POC tools and tests.
 */
export const ServerEndpointsSchema = Type.Object(
  {
    pid: Type.Integer({ minimum: 1 }),
    driver: Type.String(),
    host: Type.String(),
    client_port: Type.Integer({ minimum: 1, maximum: 65535 }),
    admin_port: Type.Integer({ minimum: 1, maximum: 65535 }),
    started_at: Type.String(),
  },
  { additionalProperties: false },
);

/** See {@link ServerEndpointsSchema}. */
export type ServerEndpoints = Static<typeof ServerEndpointsSchema>;

/** The endpoints file of a server workspace. */
export function serverEndpointsPath(workspaceDir: string): string {
  return join(workspaceDir, 'run', 'endpoints.json');
}

/** Writes the endpoints file atomically. */
export function writeServerEndpoints(workspaceDir: string, endpoints: ServerEndpoints): Promise<void> {
  return writeJsonAtomic(serverEndpointsPath(workspaceDir), endpoints);
}

/** Removes the endpoints file (the server is going away). */
export function removeServerEndpoints(workspaceDir: string): Promise<void> {
  return rm(serverEndpointsPath(workspaceDir), { force: true });
}

/** The endpoints of the server whose workspace is `workspaceDir`, or undefined while it is not listening. */
export async function readServerEndpoints(workspaceDir: string): Promise<ServerEndpoints | undefined> {
  const path = serverEndpointsPath(workspaceDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return checkValue({ schema: ServerEndpointsSchema, value: JSON.parse(text) as unknown, what: `endpoints file ${path}`, code: FederationErrorCode.INVALID_CONFIG });
}
