import { join } from 'node:path';
import type { Driver } from '@hearth/comm';
import { EventType, toError, writeJsonAtomic } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { createBuiltinRegistry } from '@hearth/components';
import { EngineContextKey, ServerEngine } from '@hearth/engine';
import type { RunOutcome } from '@hearth/engine';
import { SERVER_SITE, loadJob } from '@hearth/job';
import { appOf, buildJobServerApp } from '@hearth/runner';
import { WorkflowContextKey } from '@hearth/workflow';
import type { RoundSummary } from '@hearth/workflow';
import { createDriver } from '../config/driver-name.js';
import { checkValue } from '../internal/check-value.js';
import { FederationErrorCode } from '../errors.js';
import type { IpcChannel } from '../ipc/ipc-channel.js';
import { ToServerJobSchema } from '../ipc/job-messages.js';
import type { FromServerJob, JobOutcome, ServerJobInit } from '../ipc/job-messages.js';
import { NetworkServerTransport } from '../transport/network-server-transport.js';
import { enforceCustomCodePolicy } from './custom-code-policy.js';
import { SPOOL_FOLDER } from '../transport/spool.js';

/** Options for {@link runServerJob}. */
export interface ServerJobRuntimeOptions {
  readonly init: ServerJobInit;
  /** The link to the server parent: progress goes out, abort requests come in. */
  readonly channel: IpcChannel;
  readonly logger: Logger;
  /** The transport driver. @default the one `init.driver` names */
  readonly driver?: Driver;
}

/** Resolves when every participant joined, when `timeoutMs` passed, or when `signal` aborts. */
function participantsJoined(options: { readonly engine: ServerEngine; readonly sites: readonly string[]; readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<void> {
  const { engine, sites, signal } = options;
  return new Promise<void>((resolve) => {
    const check = (): void => {
      if (sites.every((site) => engine.isClientAvailable(site))) done();
    };
    const unsubscribe = engine.subscribe((event) => {
      if (event.type === EventType.CLIENT_CONNECTED) check();
    });
    const timer = setTimeout(() => done(), options.timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    check();
  });
}

/**
 * The server job process: builds the job's server app, listens for the job's clients on its own port
 * (reported to the parent), waits until every participant joined (or, after the start timeout, at least
 * `min_clients`), runs the workflows, writes `metrics.json`, tells the clients the job is over, and reports
 * each round and the outcome over IPC. An abort request, or the parent going away, aborts the run.
 */
export async function runServerJob(options: ServerJobRuntimeOptions): Promise<JobOutcome> {
  const { init, channel, logger } = options;
  const report = (message: FromServerJob): void => {
    channel.send(message).catch((err: unknown) => logger.debug({ err: toError(err) }, 'could not report to the server parent'));
  };
  const abort = new AbortController();
  let engine: ServerEngine | undefined;
  const requestAbort = (reason: string): void => {
    if (abort.signal.aborted) return;
    logger.warn({ reason }, 'abort requested');
    abort.abort(reason);
    engine?.abort(reason);
  };
  channel.onMessage((raw) => {
    try {
      const message = checkValue({ schema: ToServerJobSchema, value: raw, what: 'message from the server parent', code: FederationErrorCode.INVALID_MESSAGE });
      if (message.type === 'abort') requestAbort(message.reason);
    } catch (err) {
      logger.warn({ err: toError(err) }, 'ignoring a malformed message from the server parent');
    }
  });
  channel.onDisconnect(() => requestAbort('the server parent went away'));

  const finish = async (outcome: JobOutcome, error: string | null): Promise<JobOutcome> => {
    await channel.send({ type: 'finished', outcome, error } satisfies FromServerJob).catch((err: unknown) => {
      logger.warn({ err: toError(err) }, 'could not report the outcome to the server parent');
    });
    return outcome;
  };
  const registry = createBuiltinRegistry();
  let transport: NetworkServerTransport;
  try {
    const job = await loadJob(init.jobDir, { registry, loadCustomCode: false });
    enforceCustomCodePolicy({ app: appOf(job, SERVER_SITE), side: 'server', allow: init.allowCustomCode, site: SERVER_SITE });
    const app = await buildJobServerApp({ job, registry, seed: init.seed, allowCustomCode: init.allowCustomCode });
    transport = new NetworkServerTransport({
      driver: options.driver ?? createDriver(init.driver, logger),
      host: init.host,
      port: 0,
      tls: { cert: init.tls.cert, key: init.tls.key, ...(init.tls.ca === undefined ? {} : { ca: init.tls.ca }), requireClientCert: init.mutualTls },
      requireCertificateIdentity: init.mutualTls,
      sites: new Map(init.participants.map((p) => [p.site, p.tokenSha256])),
      heartbeatIntervalMs: init.heartbeatIntervalMs,
      deadAfterMs: init.deadClientGraceMs,
      spool: { dir: join(init.workspaceDir, SPOOL_FOLDER), aboveBytes: init.spoolAboveBytes },
      logger,
    });
    engine = new ServerEngine({ app, transport, jobId: init.jobId, workspaceDir: init.workspaceDir, logger });
  } catch (err) {
    const error = toError(err);
    logger.error({ err: error }, 'the job cannot be built');
    return finish('not_started', error.message);
  }
  const running = engine;
  const rounds: RoundSummary[] = [];
  running.subscribe((event) => {
    if (event.site !== running.siteName) return;
    if (event.type === EventType.ROUND_STARTED) {
      const round = event.ctx.get<number>(WorkflowContextKey.CURRENT_ROUND) ?? 0;
      logger.info({ round }, 'round started');
      report({ type: 'round_started', round, numRounds: event.ctx.get<number>(WorkflowContextKey.NUM_ROUNDS) ?? null });
    } else if (event.type === EventType.ROUND_DONE) {
      const summary = event.ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY);
      if (summary === undefined) return;
      rounds.push(summary);
      logger.info({ round: summary.round, clients: summary.clients, metrics: summary.metrics }, 'round done');
      report({ type: 'round_done', summary: { round: summary.round, clients: [...summary.clients], metrics: { ...summary.metrics }, ...(summary.best === undefined ? {} : { best: summary.best }) } });
    } else if (event.type === EventType.CLIENT_CONNECTED || event.type === EventType.CLIENT_DISCONNECTED) {
      logger.info({ client: event.ctx.get<string>(EngineContextKey.PEER_SITE), event: event.type }, 'job membership changed');
      report({ type: 'clients', clients: [...running.clients()] });
    }
  });

  let outcome: RunOutcome;
  try {
    const port = await transport.listen();
    logger.info({ port }, 'job listening for its clients');
    report({ type: 'listening', port });
    const sites = init.participants.map((p) => p.site);
    await participantsJoined({ engine: running, sites, timeoutMs: init.startTimeoutMs, signal: abort.signal });
    if (abort.signal.aborted) {
      await transport.abortJob();
      await transport.close();
      return finish('aborted', null);
    }
    const joined = running.clients().length;
    if (joined < init.minClients) {
      const message = `only ${joined} of the ${sites.length} participants joined within ${init.startTimeoutMs} ms; the job needs ${init.minClients}`;
      logger.error({ joined, participants: sites }, message);
      await transport.abortJob();
      await transport.close();
      return finish('not_started', message);
    }
    report({ type: 'running' });
    logger.info({ clients: running.clients() }, 'job running');
    outcome = await running.run();
  } catch (err) {
    const error = toError(err);
    logger.error({ err: error }, 'the job failed');
    await transport.abortJob().catch(() => undefined);
    await transport.close();
    return finish('failed', error.message);
  }
  await writeJsonAtomic(join(init.workspaceDir, 'metrics.json'), {
    job: init.jobId,
    status: outcome.status,
    ...(outcome.error === undefined ? {} : { error: outcome.error.message }),
    seed: init.seed,
    rounds,
  });
  await transport.end(outcome.status);
  await transport.close();
  logger.info({ status: outcome.status }, 'job finished');
  return finish(outcome.status, outcome.error?.message ?? null);
}
