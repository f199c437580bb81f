import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import { readServerEndpoints, removeServerEndpoints } from '../server/server-endpoints.js';
import type { ServerEndpoints } from '../server/server-endpoints.js';
import { openPocAdmin } from './poc-admin.js';
import { POC_SERVER, PocLayout } from './poc-layout.js';

/** One daemon of a POC, as `hearth poc status` shows it. */
export interface PocParticipantStatus {
  /** `server` or a site name. */
  readonly name: string;
  /** Its pid, when a pid file exists. */
  readonly pid: number | undefined;
  /** True while that process is alive. */
  readonly running: boolean;
}

/** Options for {@link pocStart}. */
export interface PocStartOptions {
  readonly dir: string;
  /** Absolute path of the server daemon executable. */
  readonly serverBin: string;
  /** Absolute path of the client daemon executable. */
  readonly clientBin: string;
  /** Which daemons to start (`server`, site names). @default all */
  readonly participants?: readonly string[];
  /** How long to wait for the server to listen and the clients to log in. @default 30000 */
  readonly timeoutMs?: number;
}

/** Options for {@link pocStop}. */
export interface PocStopOptions {
  readonly dir: string;
  /** Which daemons to stop. @default all */
  readonly participants?: readonly string[];
  /** How long each daemon has after SIGTERM before SIGKILL goes to its process group. @default 20000 */
  readonly graceMs?: number;
}

/** True while a process with that pid exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function selected(all: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined || wanted.length === 0) return [...all];
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw federationError(FederationErrorCode.INVALID_OPTIONS, `not in this POC: ${unknown.join(', ')} (it has ${all.join(', ')})`, { context: { unknown } });
  }
  return all.filter((name) => wanted.includes(name));
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-20).join('\n').trim();
}

/** The status of every daemon of the POC in `dir`. */
export async function pocStatus(dir: string): Promise<PocParticipantStatus[]> {
  const layout = new PocLayout(dir);
  const manifest = await layout.readManifest();
  const statuses: PocParticipantStatus[] = [];
  for (const name of [POC_SERVER, ...manifest.clients]) {
    const pid = await readPid(layout.pidFile(name));
    statuses.push({ name, pid, running: pid !== undefined && isProcessAlive(pid) });
  }
  return statuses;
}

/** The names of the daemons of the POC in `dir` that run now. */
export async function pocRunning(dir: string): Promise<string[]> {
  return (await pocStatus(dir)).filter((status) => status.running).map((status) => status.name);
}

function launch(input: { readonly layout: PocLayout; readonly name: string; readonly bin: string; readonly args: readonly string[] }): number {
  const { layout, name } = input;
  const output = layout.outputFile(name);
  mkdirSync(dirname(output), { recursive: true });
  const fd = openSync(output, 'a', 0o640);
  try {
    const child = spawn(process.execPath, [input.bin, ...input.args], {
      cwd: layout.participantDir(name),
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    if (child.pid === undefined) throw federationError(FederationErrorCode.POC_STATE, `could not start ${name}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

async function waitForServer(input: { readonly layout: PocLayout; readonly pid: number; readonly deadline: number }): Promise<ServerEndpoints> {
  const dir = input.layout.participantDir(POC_SERVER);
  for (;;) {
    const endpoints = await readServerEndpoints(dir).catch(() => undefined);
    if (endpoints?.pid === input.pid) return endpoints;
    if (!isProcessAlive(input.pid)) {
      throw federationError(FederationErrorCode.POC_STATE, `the server exited during start; its output:\n${await tail(input.layout.outputFile(POC_SERVER))}`);
    }
    if (Date.now() > input.deadline) throw federationError(FederationErrorCode.TIMEOUT, 'the server did not start listening in time');
    await sleep(100);
  }
}

/**
 * Starts the POC's daemons in the background (detached, each in its own process group, output in
 * `<name>/logs/daemon.out`, pid in `<name>/run/daemon.pid`): the server first, then the clients, pointed at
 * the port the server bound. Waits until the server listens and the started clients are logged in.
 */
export async function pocStart(options: PocStartOptions): Promise<PocParticipantStatus[]> {
  const layout = new PocLayout(options.dir);
  const manifest = await layout.readManifest();
  const names = selected([POC_SERVER, ...manifest.clients], options.participants);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const running = new Set(await pocRunning(layout.dir));
  let endpoints: ServerEndpoints | undefined;
  if (names.includes(POC_SERVER) && !running.has(POC_SERVER)) {
    await removeServerEndpoints(layout.participantDir(POC_SERVER));
    const pid = launch({ layout, name: POC_SERVER, bin: options.serverBin, args: ['-c', 'config.json'] });
    await writeFileAtomic(layout.pidFile(POC_SERVER), `${pid}\n`);
    endpoints = await waitForServer({ layout, pid, deadline });
  } else {
    endpoints = await readServerEndpoints(layout.participantDir(POC_SERVER));
  }
  const sites = names.filter((name) => name !== POC_SERVER && !running.has(name));
  if (sites.length > 0 && endpoints === undefined) {
    throw federationError(FederationErrorCode.POC_STATE, `the POC server in ${layout.dir} is not running; start it first`);
  }
  for (const site of sites) {
    const pid = launch({ layout, name: site, bin: options.clientBin, args: ['-c', 'config.json', '--server-port', String(endpoints?.client_port)] });
    await writeFileAtomic(layout.pidFile(site), `${pid}\n`);
  }
  if (sites.length > 0) {
    const admin = await openPocAdmin(layout.dir);
    for (;;) {
      const online = new Set((await admin.clients()).map((client) => client.site));
      if (sites.every((site) => online.has(site))) break;
      const dead = (await pocStatus(layout.dir)).filter((status) => sites.includes(status.name) && !status.running);
      if (dead.length > 0) {
        const name = dead[0]?.name ?? '';
        throw federationError(FederationErrorCode.POC_STATE, `client ${name} exited during start; its output:\n${await tail(layout.outputFile(name))}`);
      }
      if (Date.now() > deadline) throw federationError(FederationErrorCode.TIMEOUT, `clients ${sites.filter((s) => !online.has(s)).join(', ')} did not log in in time`);
      await sleep(100);
    }
  }
  return pocStatus(layout.dir);
}

/**
 * Stops the POC's daemons: SIGTERM to each (they abort their jobs and close cleanly), then, for any still
 * alive after the grace period, SIGKILL to its whole process group. Removes the pid files.
 */
export async function pocStop(options: PocStopOptions): Promise<PocParticipantStatus[]> {
  const layout = new PocLayout(options.dir);
  const manifest = await layout.readManifest();
  const names = selected([POC_SERVER, ...manifest.clients], options.participants);
  const statuses = (await pocStatus(layout.dir)).filter((status) => names.includes(status.name));
  const live = statuses.filter((status) => status.running && status.pid !== undefined);
  for (const status of live) process.kill(status.pid ?? 0, 'SIGTERM');
  const deadline = Date.now() + (options.graceMs ?? 20_000);
  while (live.some((status) => isProcessAlive(status.pid ?? 0)) && Date.now() < deadline) await sleep(100);
  for (const status of live) {
    if (!isProcessAlive(status.pid ?? 0)) continue;
    try {
      process.kill(-(status.pid ?? 0), 'SIGKILL');
    } catch {
      // the group ended between the check and the kill
    }
  }
  for (const status of statuses) await rm(layout.pidFile(status.name), { force: true });
  return pocStatus(layout.dir);
}

/** Removes the POC folder; refuses while any of its daemons runs, or when `dir` is not a POC folder. */
export async function pocClean(dir: string): Promise<void> {
  const layout = new PocLayout(dir);
  await layout.readManifest();
  const running = await pocRunning(layout.dir);
  if (running.length > 0) {
    throw federationError(FederationErrorCode.POC_STATE, `${running.join(', ')} still running in ${layout.dir}; run hearth poc stop first`, { context: { running } });
  }
  await rm(layout.dir, { recursive: true, force: true });
}
