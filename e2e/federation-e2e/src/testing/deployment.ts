import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPocAdmin, pocPrepare, readServerEndpoints } from '@hearth/federation';
import type { AdminClient, DriverName, JobRecord } from '@hearth/federation';
import { BINS } from './paths.js';
import { descendantsOf, isAlive } from './process-tree.js';

/** How one daemon ended. */
export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A daemon process this test started. */
interface Daemon {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<DaemonExit>;
}

/** Options for {@link Deployment.create}. */
export interface DeploymentOptions {
  readonly driver: DriverName;
  readonly clients: number;
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A real deployment on 127.0.0.1 for end-to-end tests: a POC folder with OS-picked ports and short
 * heartbeats, and the daemons started as child processes of the test (each in its own process group), so
 * the test sees their exit codes and can kill a whole site.
 */
export class Deployment {
  readonly dir: string;
  readonly sites: readonly string[];
  readonly #daemons = new Map<string, Daemon>();
  #admin: AdminClient | undefined;

  private constructor(dir: string, sites: readonly string[]) {
    this.dir = dir;
    this.sites = sites;
  }

  /** Prepares the POC folder (nothing runs yet). */
  static async create(options: DeploymentOptions): Promise<Deployment> {
    const dir = await mkdtemp(join(tmpdir(), `hearth-e2e-${options.driver}-`));
    const manifest = await pocPrepare({
      dir,
      clients: options.clients,
      driver: options.driver,
      port: 0,
      adminPort: 0,
      serverBin: BINS.server,
      clientBin: BINS.client,
      heartbeatIntervalMs: 500,
      deadClientGraceMs: 4000,
    });
    return new Deployment(dir, manifest.clients);
  }

  /** The admin client (once the server runs). */
  async admin(): Promise<AdminClient> {
    this.#admin ??= await openPocAdmin(this.dir);
    return this.#admin;
  }

  /** The pid of a running daemon. */
  pid(name: string): number {
    const daemon = this.#daemons.get(name);
    if (daemon === undefined) throw new Error(`${name} is not running`);
    return daemon.pid;
  }

  /** Starts the server and waits until it listens. */
  async startServer(): Promise<void> {
    const daemon = this.#spawn('server', [BINS.server, '-c', 'config.json']);
    await eventually('the server to listen', async () => {
      if (!isAlive(daemon.pid)) throw new Error('the server exited during start');
      const endpoints = await readServerEndpoints(join(this.dir, 'server')).catch(() => undefined);
      return endpoints?.pid === daemon.pid ? endpoints : undefined;
    });
  }

  /** Starts client daemons and waits until each is logged in. */
  async startClients(sites: readonly string[] = this.sites): Promise<void> {
    const endpoints = await readServerEndpoints(join(this.dir, 'server'));
    if (endpoints === undefined) throw new Error('the server is not running');
    for (const site of sites) this.#spawn(site, [BINS.client, '-c', 'config.json', '--server-port', String(endpoints.client_port)]);
    const admin = await this.admin();
    await eventually(`${sites.join(', ')} to log in`, async () => {
      const online = new Set((await admin.clients()).filter((c) => c.connected).map((c) => c.site));
      return sites.every((site) => online.has(site)) ? true : undefined;
    });
  }

  /** Waits until the job has finished and returns its record. */
  async finished(id: string, timeoutMs = 90_000): Promise<JobRecord> {
    const admin = await this.admin();
    return eventually(`job ${id} to finish`, async () => {
      const job = await admin.job(id);
      return job.finished_at === null ? undefined : job;
    }, timeoutMs);
  }

  /** Waits until `check` accepts the job record and returns it. */
  async jobWhere(id: string, what: string, check: (job: JobRecord) => boolean): Promise<JobRecord> {
    const admin = await this.admin();
    return eventually(what, async () => {
      const job = await admin.job(id);
      return check(job) ? job : undefined;
    });
  }

  /** Kills a daemon's whole process group (the daemon and its job processes) with SIGKILL, as a crash would. */
  async crash(name: string): Promise<DaemonExit> {
    const daemon = this.#daemons.get(name);
    if (daemon === undefined) throw new Error(`${name} is not running`);
    process.kill(-daemon.pid, 'SIGKILL');
    const exit = await daemon.exited;
    this.#daemons.delete(name);
    return exit;
  }

  /** Every live process of the deployment: the daemons and all their descendants. */
  processes(): number[] {
    return [...this.#daemons.values()].flatMap((daemon) => [daemon.pid, ...descendantsOf(daemon.pid)]);
  }

  /** Sends SIGTERM to every daemon at once and resolves with how each exited. */
  async terminate(): Promise<Map<string, DaemonExit>> {
    const daemons = [...this.#daemons];
    for (const [, daemon] of daemons) daemon.child.kill('SIGTERM');
    const exits = new Map<string, DaemonExit>();
    for (const [name, daemon] of daemons) exits.set(name, await daemon.exited);
    this.#daemons.clear();
    return exits;
  }

  /** Kills whatever still runs (after a failed test) and removes the folder. */
  async dispose(): Promise<void> {
    for (const daemon of this.#daemons.values()) {
      try {
        process.kill(-daemon.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await daemon.exited;
    }
    this.#daemons.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  #spawn(name: string, args: readonly string[]): Daemon {
    const output = join(this.dir, name, 'logs', 'daemon.out');
    mkdirSync(dirname(output), { recursive: true });
    const fd = openSync(output, 'a');
    try {
      const child = spawn(process.execPath, args, { cwd: join(this.dir, name), detached: true, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) throw new Error(`could not start ${name}`);
      const exited = new Promise<DaemonExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      const daemon = { child, pid: child.pid, exited };
      this.#daemons.set(name, daemon);
      return daemon;
    } finally {
      closeSync(fd);
    }
  }
}
