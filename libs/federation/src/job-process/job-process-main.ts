import { toError } from '@hearth/core';
import type { TSchema } from 'typebox';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue } from '../internal/check-value.js';
import { nodeChannel } from '../ipc/ipc-channel.js';
import type { IpcChannel } from '../ipc/ipc-channel.js';
import { JobProcessExit, ToClientJobSchema, ToServerJobSchema } from '../ipc/job-messages.js';
import type { ClientJobInit, ServerJobInit } from '../ipc/job-messages.js';
import { openFileLogger } from '../logging/file-logger.js';
import { runClientJob } from './client-job-runtime.js';
import { runServerJob } from './server-job-runtime.js';

/** How long a job process waits for its init message before it gives up. */
const INIT_TIMEOUT_MS = 30_000;

function receiveInit(channel: IpcChannel, schema: TSchema): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(federationError(FederationErrorCode.TIMEOUT, `no init message from the parent within ${INIT_TIMEOUT_MS} ms`)), INIT_TIMEOUT_MS);
    channel.onMessage((raw) => {
      try {
        const message = checkValue({ schema, value: raw, what: 'message from the parent', code: FederationErrorCode.INVALID_MESSAGE }) as { type: string; init?: unknown };
        if (message.type !== 'init') return;
        clearTimeout(timer);
        resolve(message.init);
      } catch (err) {
        clearTimeout(timer);
        reject(toError(err));
      }
    });
    channel.onDisconnect(() => reject(federationError(FederationErrorCode.CLOSED, 'the parent went away before it sent the init message')));
  });
}

function parentChannel(): IpcChannel {
  if (process.send === undefined) {
    throw federationError(FederationErrorCode.JOB_PROCESS_FAILED, 'a job process must be started by a daemon (child_process.fork with IPC)');
  }
  return nodeChannel(process);
}

/**
 * Entry of the server job process (the server app's job entry calls it): receives its init message over
 * IPC, logs to the job's log file and runs {@link runServerJob}. Resolves with the exit code; the IPC link
 * is closed, so the process can exit.
 */
export async function serverJobProcessMain(): Promise<number> {
  const channel = parentChannel();
  const init = (await receiveInit(channel, ToServerJobSchema)) as ServerJobInit;
  const log = openFileLogger({ path: init.logFile, name: 'server-job', level: init.logLevel, bindings: { site: 'server', jobId: init.jobId } });
  try {
    await runServerJob({ init, channel, logger: log.logger });
    return JobProcessExit.OK;
  } catch (err) {
    log.logger.error({ err: toError(err) }, 'server job process failed');
    return JobProcessExit.FAILED;
  } finally {
    log.close();
    channel.disconnect();
  }
}

/**
 * Entry of the client job process (the client app's job entry calls it): receives its init message over
 * IPC, logs to the job's log file on this site and runs {@link runClientJob}. Resolves with the exit code.
 */
export async function clientJobProcessMain(): Promise<number> {
  const channel = parentChannel();
  const init = (await receiveInit(channel, ToClientJobSchema)) as ClientJobInit;
  const log = openFileLogger({ path: init.logFile, name: 'client-job', level: init.logLevel, bindings: { site: init.site, jobId: init.jobId } });
  try {
    return await runClientJob({ init, channel, logger: log.logger });
  } catch (err) {
    log.logger.error({ err: toError(err) }, 'client job process failed');
    return JobProcessExit.FAILED;
  } finally {
    log.close();
    channel.disconnect();
  }
}
