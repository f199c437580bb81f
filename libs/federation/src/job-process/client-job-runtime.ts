import { join } from 'node:path';
import type { Driver } from '@hearth/comm';
import { isHearthError, toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { createBuiltinRegistry } from '@hearth/components';
import { ClientEngine } from '@hearth/engine';
import { loadJob } from '@hearth/job';
import { appOf, buildJobClientApp } from '@hearth/runner';
import { createDriver } from '../config/driver-name.js';
import { FederationErrorCode } from '../errors.js';
import { checkValue } from '../internal/check-value.js';
import type { IpcChannel } from '../ipc/ipc-channel.js';
import { JobProcessExit, ToClientJobSchema } from '../ipc/job-messages.js';
import type { ClientJobInit, FromClientJob } from '../ipc/job-messages.js';
import { NetworkClientTransport } from '../transport/network-client-transport.js';
import { enforceCustomCodePolicy } from './custom-code-policy.js';
import { SPOOL_FOLDER } from '../transport/spool.js';

/** Options for {@link runClientJob}. */
export interface ClientJobRuntimeOptions {
  readonly init: ClientJobInit;
  /** The link to the client parent: stop requests come in, `joined` and `ended` go out. */
  readonly channel: IpcChannel;
  readonly logger: Logger;
  /** The transport driver. @default the one `init.driver` names */
  readonly driver?: Driver;
}

/** Why a client job stops. */
interface Ending {
  readonly status: string;
  readonly exitCode: number;
}

/**
 * The client job process: validates and builds the job's client app under this site's custom-code policy,
 * connects to the server job process with the job token, runs tasks until the server ends or aborts the
 * job (or the parent asks it to stop, or goes away), then closes the engine and leaves. Resolves with the
 * process exit code ({@link JobProcessExit}).
 */
export async function runClientJob(options: ClientJobRuntimeOptions): Promise<number> {
  const { init, channel, logger } = options;
  const report = async (message: FromClientJob): Promise<void> => {
    await channel.send(message).catch((err: unknown) => logger.debug({ err: toError(err) }, 'could not report to the client parent'));
  };
  let end: (ending: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => {
    end = resolve;
  });
  channel.onMessage((raw) => {
    try {
      const message = checkValue({ schema: ToClientJobSchema, value: raw, what: 'message from the client parent', code: FederationErrorCode.INVALID_MESSAGE });
      if (message.type === 'stop') {
        logger.info({ reason: message.reason }, 'stop requested');
        end({ status: 'stopped', exitCode: JobProcessExit.OK });
      }
    } catch (err) {
      logger.warn({ err: toError(err) }, 'ignoring a malformed message from the client parent');
    }
  });
  channel.onDisconnect(() => end({ status: 'parent gone', exitCode: JobProcessExit.OK }));

  const registry = createBuiltinRegistry();
  let engine: ClientEngine;
  let transport: NetworkClientTransport;
  try {
    const job = await loadJob(init.jobDir, { registry, loadCustomCode: false });
    enforceCustomCodePolicy({ app: appOf(job, init.site), side: 'client', allow: init.allowCustomCode, site: init.site });
    const app = await buildJobClientApp({ job, registry, seed: init.seed, site: init.site, allowCustomCode: init.allowCustomCode });
    transport = new NetworkClientTransport({
      driver: options.driver ?? createDriver(init.driver, logger),
      host: init.host,
      port: init.port,
      tls: {
        ca: init.tls.ca,
        ...(init.tls.cert === undefined || init.tls.key === undefined ? {} : { cert: init.tls.cert, key: init.tls.key }),
        ...(init.tls.serverName === undefined ? {} : { serverName: init.tls.serverName }),
      },
      site: init.site,
      token: init.token,
      backoff: { initialDelayMs: init.reconnectInitialDelayMs, maxDelayMs: init.reconnectMaxDelayMs },
      giveUpAfterMs: init.giveUpAfterMs,
      spool: { dir: join(init.workspaceDir, SPOOL_FOLDER), aboveBytes: init.spoolAboveBytes },
      logger,
      onJobEnd: (status) => end({ status, exitCode: JobProcessExit.OK }),
      onLost: (error) => end({ status: error.message, exitCode: isHearthError(error, FederationErrorCode.AUTH_FAILED) ? JobProcessExit.REFUSED : JobProcessExit.LOST }),
    });
    engine = new ClientEngine({ site: init.site, jobId: init.jobId, app, transport, workspaceDir: init.workspaceDir, logger });
  } catch (err) {
    logger.error({ err: toError(err) }, 'the job cannot be built on this site');
    return JobProcessExit.FAILED;
  }
  const joined = engine.start().then(
    async () => {
      logger.info('joined the job');
      await report({ type: 'joined' });
    },
    (err: unknown) => {
      const error = toError(err);
      logger.error({ err: error }, 'could not join the job');
      end({ status: error.message, exitCode: isHearthError(error, FederationErrorCode.AUTH_FAILED) ? JobProcessExit.REFUSED : JobProcessExit.FAILED });
    },
  );
  const ending = await ended;
  await joined;
  logger.info({ status: ending.status }, 'job ending on this site');
  await engine.close();
  await transport.close();
  await report({ type: 'ended', status: ending.status });
  return ending.exitCode;
}
