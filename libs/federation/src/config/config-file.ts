import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Static, TSchema } from 'typebox';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue } from '../internal/check-value.js';

/** A config file read and checked against its schema, and the folder its relative paths resolve from. */
export interface ConfigFile<T> {
  /** Absolute path of the file. */
  readonly path: string;
  /** Its folder. */
  readonly dir: string;
  readonly value: T;
}

/** Reads a JSON config file and checks it; throws INVALID_CONFIG naming the file and the first JSON path that is wrong. */
export async function readConfigFile<S extends TSchema>(path: string, schema: S): Promise<ConfigFile<Static<S>>> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw federationError(FederationErrorCode.INVALID_CONFIG, `cannot read config ${absolute}: ${(err as Error).message}`, { context: { path: absolute } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${absolute} is not JSON: ${(err as Error).message}`, { context: { path: absolute } });
  }
  return { path: absolute, dir: dirname(absolute), value: checkValue({ schema, value, what: `config ${absolute}`, code: FederationErrorCode.INVALID_CONFIG }) };
}

/** `path` resolved against the config's folder unless absolute. */
export function configPath(file: ConfigFile<unknown>, path: string): string {
  return isAbsolute(path) ? path : resolve(file.dir, path);
}

/** Reads a PEM file named by a config field; throws INVALID_CONFIG naming the field and file. */
export async function readPemFile(file: ConfigFile<unknown>, input: { readonly field: string; readonly path: string }): Promise<string> {
  const path = configPath(file, input.path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${file.path}: ${input.field} ${path} cannot be read: ${(err as Error).message}`, {
      context: { path: file.path, field: input.field },
    });
  }
  if (!text.includes('-----BEGIN ')) {
    throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${file.path}: ${input.field} ${path} is not PEM`, { context: { path: file.path, field: input.field } });
  }
  return text;
}
