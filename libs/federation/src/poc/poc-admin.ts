import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Type } from 'typebox';
import { AdminClient } from '../admin/admin-client.js';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue } from '../internal/check-value.js';
import { readServerEndpoints } from '../server/server-endpoints.js';
import { POC_SERVER, PocLayout } from './poc-layout.js';

const AdminFileSchema = Type.Object({ token: Type.String({ minLength: 1 }), ca: Type.String({ minLength: 1 }) }, { additionalProperties: false });

/**
 * An {@link AdminClient} for the POC in `dir`: the admin token and CA from `admin/admin.json`, the port from
 * the running server's endpoints file. Throws POC_STATE when the server is not running.
 */
export async function openPocAdmin(dir: string): Promise<AdminClient> {
  const layout = new PocLayout(dir);
  await layout.readManifest();
  const adminPath = join(layout.adminDir, 'admin.json');
  const admin = checkValue({
    schema: AdminFileSchema,
    value: JSON.parse(await readFile(adminPath, 'utf8')) as unknown,
    what: `admin file ${adminPath}`,
    code: FederationErrorCode.POC_STATE,
  });
  const endpoints = await readServerEndpoints(layout.participantDir(POC_SERVER));
  if (endpoints === undefined) {
    throw federationError(FederationErrorCode.POC_STATE, `the POC server in ${layout.dir} is not running; run hearth poc start first`, { context: { dir: layout.dir } });
  }
  const ca = await readFile(resolve(layout.adminDir, admin.ca), 'utf8');
  return new AdminClient({ port: endpoints.admin_port, token: admin.token, ca });
}
