import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import { nodeChannel } from '../ipc/ipc-channel.js';
import type { IpcChannel } from '../ipc/ipc-channel.js';
import { jobProcessNodeFlags, withMallocTunables } from './job-process-tuning.js';

/** How a job process ended. */
export interface JobProcessExitInfo {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or null. */
  readonly signal: NodeJS.Signals | null;
}

/** Options for {@link JobProcess.start}. */
export interface JobProcessOptions {
  /** The JavaScript module the child runs (the app's compiled job entry). */
  readonly entry: string;
  /** Where the child's stdout and stderr go (crash traces land here), appended. */
  readonly outputFile: string;
  /** Where the parent logs the child's life. */
  readonly logger: Logger;
}

/**
 * One job process seen from its daemon: a `child_process.fork` of the job entry with an IPC channel, its
 * output in a file, and its exit as a promise. The child gets the daemon's environment but none of its Node
 * flags, plus the job-process tuning (job-process-tuning.ts: malloc tunables and V8 flags), and runs in the
 * daemon's process group, so killing the group takes it down too.
 */
export class JobProcess {
  readonly channel: IpcChannel;
  readonly exited: Promise<JobProcessExitInfo>;
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  #exit: JobProcessExitInfo | undefined;

  private constructor(child: ChildProcess, logger: Logger) {
    this.#child = child;
    this.#logger = logger;
    this.channel = nodeChannel(child);
    this.exited = new Promise<JobProcessExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      child.once('error', (err) => {
        logger.error({ err }, 'job process failed to start');
        if (child.pid === undefined) {
          this.#exit = { code: null, signal: null };
          resolve(this.#exit);
        }
      });
    });
  }

  /** Forks the entry; the process starts at once and waits for its init message. */
  static start(options: JobProcessOptions): JobProcess {
    mkdirSync(dirname(options.outputFile), { recursive: true });
    const output = openSync(options.outputFile, 'a', 0o640);
    try {
      const child = fork(options.entry, [], {
        execArgv: jobProcessNodeFlags(process.env),
        env: withMallocTunables(process.env),
        stdio: ['ignore', output, output, 'ipc'],
        serialization: 'json',
      });
      child.channel?.unref();
      const jobProcess = new JobProcess(child, options.logger);
      options.logger.info({ pid: child.pid, entry: options.entry }, 'job process started');
      return jobProcess;
    } catch (err) {
      throw federationError(FederationErrorCode.JOB_PROCESS_FAILED, `cannot start a job process from ${options.entry}: ${toError(err).message}`, { cause: err });
    } finally {
      closeSync(output);
    }
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Sends a message, logging instead of throwing when the child is gone. */
  post(message: unknown): void {
    this.channel.send(message).catch((err: unknown) => {
      this.#logger.debug({ err: toError(err) }, 'could not message the job process');
    });
  }

  /** Sends a signal to the process, if it still runs. */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }

  /**
   * Ends the process: sends `message` (a stop or abort request) if given, waits up to `graceMs` for it to
   * exit, then kills it with SIGKILL. Resolves with how it ended.
   */
  async stop(options: { readonly message?: unknown; readonly graceMs: number }): Promise<JobProcessExitInfo> {
    if (this.#exit !== undefined) return this.#exit;
    if (options.message !== undefined) this.post(options.message);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.graceMs);
    });
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return first;
    this.#logger.warn({ pid: this.pid, graceMs: options.graceMs }, 'job process did not stop in time; killing it');
    this.kill('SIGKILL');
    return this.exited;
  }
}
