import { ALL_SITES, SERVER_SITE } from './job-meta-schema.js';
import type { DeployMap } from './job-meta-schema.js';

const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const APP_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** True for the `@ALL` deploy-map entry, in any letter case (NVFlare compares it case-insensitively). */
export function isAllSites(site: string): boolean {
  return site.toUpperCase() === ALL_SITES;
}

/** True when `name` can be a site name: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export function isValidSiteName(name: string): boolean {
  return SITE_NAME.test(name);
}

/** True when `name` can be an app folder: one path segment of letters, digits, `.`, `_`, `-`, not starting with `.`. */
export function isValidAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/**
 * The app that `site` runs (`server` for the FL server), or undefined when the job does not deploy to it.
 * An app deployed to `@ALL` runs on the server and on every client.
 */
export function appForSite(deployMap: DeployMap, site: string): string | undefined {
  for (const [app, sites] of Object.entries(deployMap)) {
    if (sites.some((s) => s === site || isAllSites(s))) return app;
  }
  return undefined;
}

/**
 * The client sites a deploy map names (the server excluded, each site once, in order of appearance), or
 * `@ALL` when the job goes to every client that is online.
 */
export function deployedClientSites(deployMap: DeployMap): readonly string[] | typeof ALL_SITES {
  const sites = new Set<string>();
  for (const list of Object.values(deployMap)) {
    for (const site of list) {
      if (isAllSites(site)) return ALL_SITES;
      if (site !== SERVER_SITE) sites.add(site);
    }
  }
  return [...sites];
}
