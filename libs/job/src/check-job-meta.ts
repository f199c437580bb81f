import { Value } from 'typebox/value';
import { Type } from 'typebox';
import { deployedClientSites, isAllSites, isValidAppName, isValidSiteName } from './deployment.js';
import { childPath } from './json-path.js';
import { JobLayout } from './job-layout.js';
import { ALL_SITES, DeployMapSchema, JobMetaSchema, SERVER_SITE } from './job-meta-schema.js';
import type { DeployMap, JobMeta } from './job-meta-schema.js';
import type { JobProblem } from './job-problem.js';
import { schemaProblems } from './schema-problems.js';

/** What checking `meta.json` found. */
export interface JobMetaReport {
  readonly problems: JobProblem[];
  /** The meta when it is entirely valid. */
  readonly meta: JobMeta | undefined;
  /** The apps of a well-formed deploy map whose names are usable folder names, with their sites. */
  readonly apps: ReadonlyMap<string, readonly string[]>;
}

const MinClientsSchema = Type.Integer({ minimum: 1 });
const MandatoryClientsSchema = Type.Array(Type.String({ minLength: 1 }));

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function checkDeployMap(deployMap: DeployMap, add: (path: string, message: string) => void): Map<string, readonly string[]> {
  const apps = new Map<string, readonly string[]>();
  const base = '$.deploy_map';
  const names = Object.keys(deployMap);
  if (names.length === 0) {
    add(base, 'must deploy at least one app');
    return apps;
  }
  const total = Object.values(deployMap).reduce((n, sites) => n + sites.length, 0);
  const deployedAt = new Map<string, string>();
  let server = false;
  for (const [app, sites] of Object.entries(deployMap)) {
    const appPath = childPath(base, app);
    if (!isValidAppName(app)) {
      add(appPath, `"${app}" is not a usable app folder name (letters, digits, ".", "_" and "-", not starting with ".")`);
    } else {
      apps.set(app, sites);
    }
    sites.forEach((site, index) => {
      const sitePath = childPath(appPath, index);
      if (isAllSites(site)) {
        server = true;
        if (total > 1) add(sitePath, `"${ALL_SITES}" deploys this app to the server and every client, so no other site may be listed`);
        return;
      }
      if (!isValidSiteName(site)) {
        add(sitePath, `"${site}" is not a valid site name (letters, digits, ".", "_" and "-", starting with a letter or digit)`);
        return;
      }
      if (site === SERVER_SITE) server = true;
      const earlier = deployedAt.get(site);
      if (earlier === undefined) deployedAt.set(site, sitePath);
      else add(sitePath, `site "${site}" is deployed twice (also at ${earlier}); each site runs exactly one app`);
    });
  }
  if (!server) add(base, `no app is deployed to "${SERVER_SITE}"`);
  return apps;
}

function checkClients(meta: unknown, deployMap: DeployMap, add: (path: string, message: string) => void): void {
  const clients = deployedClientSites(deployMap);
  if (clients === ALL_SITES) return;
  const minClients = fieldOf(meta, 'min_clients');
  if (Value.Check(MinClientsSchema, minClients) && minClients > clients.length) {
    const named = clients.length === 1 ? '1 client site' : `${clients.length} client sites`;
    add('$.min_clients', `is ${minClients}, but deploy_map names only ${named}`);
  }
  const mandatory = fieldOf(meta, 'mandatory_clients');
  if (!Value.Check(MandatoryClientsSchema, mandatory)) return;
  mandatory.forEach((site, index) => {
    if (clients.includes(site)) return;
    add(childPath('$.mandatory_clients', index), `client "${site}" is mandatory but deploy_map does not deploy to it`);
  });
}

/**
 * Checks a parsed `meta.json`: its schema, then the deploy map as NVFlare's job validator does (at least
 * one app; the server deployed; `@ALL` alone; no site deployed twice; usable names), `min_clients` against
 * the named client sites and mandatory clients against the deployed ones.
 */
export function checkJobMeta(value: unknown): JobMetaReport {
  const file = JobLayout.META_FILE;
  const problems = schemaProblems({ schema: JobMetaSchema, value, file });
  const add = (path: string, message: string): void => {
    problems.push({ file, path, message });
  };
  const deployMap = fieldOf(value, 'deploy_map');
  let apps = new Map<string, readonly string[]>();
  if (Value.Check(DeployMapSchema, deployMap)) {
    apps = checkDeployMap(deployMap, add);
    checkClients(value, deployMap, add);
  }
  const meta = problems.length === 0 && Value.Check(JobMetaSchema, value) ? value : undefined;
  return { problems, meta, apps };
}
