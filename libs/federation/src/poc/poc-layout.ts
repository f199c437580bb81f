import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { DriverNameSchema } from '../config/driver-name.js';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue } from '../internal/check-value.js';

/** The marker file of a POC folder: what `hearth poc prepare` made there. */
export const PocManifestSchema = Type.Object(
  {
    format_version: Type.Literal(1),
    driver: DriverNameSchema,
    clients: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    created_at: Type.String(),
  },
  { additionalProperties: false },
);

/** See {@link PocManifestSchema}. */
export type PocManifest = Static<typeof PocManifestSchema>;

/** The name of the server participant in POC commands. */
export const POC_SERVER = 'server';

/** Where things are in a POC folder. */
export class PocLayout {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** `poc.json`, the marker. */
  get manifest(): string {
    return join(this.dir, 'poc.json');
  }

  /** The folder (config, TLS, workspace) of `participant`: `server` or a site. */
  participantDir(participant: string): string {
    return join(this.dir, participant);
  }

  /** The pid file of a participant's daemon. */
  pidFile(participant: string): string {
    return join(this.dir, participant, 'run', 'daemon.pid');
  }

  /** Where a participant's daemon's stdout and stderr go. */
  outputFile(participant: string): string {
    return join(this.dir, participant, 'logs', 'daemon.out');
  }

  /** The admin folder: the admin token and the CA to trust. */
  get adminDir(): string {
    return join(this.dir, 'admin');
  }

  /** Reads and checks the marker; throws POC_STATE when the folder is not a prepared POC. */
  async readManifest(): Promise<PocManifest> {
    let text: string;
    try {
      text = await readFile(this.manifest, 'utf8');
    } catch {
      throw federationError(FederationErrorCode.POC_STATE, `${this.dir} is not a POC folder (no poc.json); run hearth poc prepare first`, { context: { dir: this.dir } });
    }
    return checkValue({ schema: PocManifestSchema, value: JSON.parse(text) as unknown, what: `POC manifest ${this.manifest}`, code: FederationErrorCode.POC_STATE });
  }
}
