import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { buildClientApp, buildServerApp } from './build-app.js';
import { JobErrorCode } from './errors.js';
import { JobBuilder } from './job-builder.js';
import { loadJob } from './load-job.js';
import { RoundsWorkflow, TempDirs, testRegistry } from './spec-fixtures.js';
import { validateJob } from './validate-job.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const registry = testRegistry();

function fedAvgJob(): JobBuilder {
  const job = new JobBuilder({
    name: 'fedavg',
    minClients: 2,
    mandatoryClients: ['site-1'],
    resourceSpec: { 'site-1': { num_gpus: 1 } },
    scope: 'public',
    customProps: { owner: 'team-a' },
  });
  job
    .serverApp('app_server')
    .addComponent({ id: 'aggregator', type: 'Counter', args: { start: 5 } })
    .addWorkflow({ id: 'sag', type: 'RoundsWorkflow', args: { num_rounds: 4, aggregator_id: 'aggregator' } })
    .addTaskResultFilter({ tasks: '*', filters: [{ type: 'Tag', args: { tag: 'r' } }] });
  job
    .clientApp('app_client')
    .addExecutor({ tasks: ['train'], executor: { id: 'trainer', type: 'Echo', args: { label: 'trainer' } } })
    .addExecutor({ tasks: ['validate'], executor: { type: './app_client/custom/validator.js#Validator' } })
    .addTaskDataFilter({ tasks: ['train'], filters: [{ type: 'Tag', args: { tag: 'd' } }] });
  job.addFile(
    'app_client/custom/validator.js',
    'export class Validator { constructor() { this.id = ""; } handleEvent() {} execute(t, d) { return Promise.resolve(d); } }\n',
  );
  return job.deployTo('app_server', ['server']).deployTo('app_client', ['site-1']).deployTo('app_client', ['site-2']);
}

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (thrown) {
    return thrown;
  }
}

describe('JobBuilder', () => {
  it('writes a job folder that validates, loads and builds (round trip)', async () => {
    const dir = join(await dirs.make(), 'fedavg');
    const job = fedAvgJob();
    await job.write(dir);
    expect(await validateJob(dir, { registry })).toEqual([]);
    const loaded = await loadJob(dir, { registry });
    expect(loaded.meta).toEqual({
      name: 'fedavg',
      deploy_map: { app_server: ['server'], app_client: ['site-1', 'site-2'] },
      min_clients: 2,
      mandatory_clients: ['site-1'],
      resource_spec: { 'site-1': { num_gpus: 1 } },
      scope: 'public',
      custom_props: { owner: 'team-a' },
    });
    expect(loaded.apps.get('app_server')?.server).toEqual(job.serverApp('app_server').toConfig());
    expect(loaded.apps.get('app_client')?.client).toEqual(job.clientApp('app_client').toConfig());
    const server = await buildServerApp(job.serverApp('app_server').toConfig(), { registry, jobDir: dir });
    expect(server.workflows[0]).toBeInstanceOf(RoundsWorkflow);
    expect((server.workflows[0] as RoundsWorkflow).numRounds).toBe(4);
    const client = await buildClientApp(job.clientApp('app_client').toConfig(), { registry, jobDir: dir });
    expect(client.executors.map((e) => e.tasks)).toEqual([['train'], ['validate']]);
    expect((await readFile(join(dir, 'meta.json'), 'utf8')).endsWith('}\n')).toBe(true);
    const written = await readdir(dir, { recursive: true });
    expect(written.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the same files as toFiles', async () => {
    const dir = await dirs.make();
    const job = fedAvgJob();
    await job.write(dir);
    for (const [path, contents] of job.toFiles()) expect(await readFile(join(dir, path), 'utf8')).toBe(contents);
  });

  it('puts both sides of one app in the same folder for @ALL', async () => {
    const dir = await dirs.make();
    const job = new JobBuilder({ name: 'single' }).deployTo('app', ['@ALL']);
    job.serverApp('app').addComponent({ id: 'aggregator', type: 'Counter' }).addWorkflow({
      id: 'wf',
      type: 'RoundsWorkflow',
      args: { num_rounds: 1, aggregator_id: 'aggregator' },
    });
    job.clientApp('app').addExecutor({ tasks: ['train'], executor: { type: 'Echo' } });
    await job.write(dir);
    expect((await readdir(join(dir, 'app', 'config'))).sort()).toEqual(['config_fed_client.json', 'config_fed_server.json']);
    expect(await validateJob(dir, { registry })).toEqual([]);
  });

  it('refuses a non-empty folder unless told to overwrite', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'stray.txt'), 'x');
    const error = await errorOf(() => fedAvgJob().write(dir));
    expect(isHearthError(error, JobErrorCode.JOB_DIR_NOT_EMPTY)).toBe(true);
    await fedAvgJob().write(dir, { overwrite: true });
    expect(await validateJob(dir, { registry })).toEqual([]);
  });

  it('refuses a job whose meta would not validate, naming the problem', async () => {
    const job = fedAvgJob();
    const tooMany = new JobBuilder({ name: 'x', minClients: 3 });
    tooMany.serverApp('s').addWorkflow({ id: 'w', type: 'T' });
    tooMany.deployTo('s', ['server', 'site-1']);
    const error = await errorOf(() => tooMany.toMeta());
    expect(isHearthError(error, JobErrorCode.JOB_BUILDER_INVALID)).toBe(true);
    expect((error as Error).message).toContain('meta.json $.min_clients: is 3, but deploy_map names only 1 client site');
    expect(job.toMeta().name).toBe('fedavg');
  });

  it('refuses apps that are deployed without configs or configured without deployment', async () => {
    const orphan = new JobBuilder({ name: 'x' }).deployTo('ghost', ['server']);
    expect(() => orphan.toMeta()).toThrow('app "ghost" is deployed but has no server or client config');
    const undeployed = new JobBuilder({ name: 'x' });
    undeployed.serverApp('s').addWorkflow({ id: 'w', type: 'T' });
    undeployed.clientApp('c').addExecutor({ tasks: ['t'], executor: { type: 'E' } });
    undeployed.deployTo('s', ['server']);
    expect(() => undeployed.toMeta()).toThrow('app "c" is never deployed');
  });

  it('refuses a server app without workflows when writing', () => {
    const job = new JobBuilder({ name: 'x' }).deployTo('s', ['server']);
    job.serverApp('s').addComponent({ id: 'a', type: 'Counter' });
    expect(() => job.toFiles()).toThrow('s/config/config_fed_server.json $.workflows: must not have fewer than 1 items');
  });

  it('checks names and paths as they are given', () => {
    const job = new JobBuilder({ name: 'x' });
    const code = { code: JobErrorCode.JOB_BUILDER_INVALID };
    expect(() => new JobBuilder({ name: '' })).toThrow(expect.objectContaining(code));
    expect(() => job.serverApp('../up')).toThrow(expect.objectContaining(code));
    expect(() => job.deployTo('s', [])).toThrow(expect.objectContaining(code));
    expect(() => job.serverApp('s').addWorkflow({ id: '', type: 'T' })).toThrow(expect.objectContaining(code));
    expect(() => job.clientApp('c').addExecutor({ tasks: [], executor: { type: 'E' } })).toThrow(expect.objectContaining(code));
    expect(() => job.clientApp('c').addTaskDataFilter({ tasks: [], filters: [] })).toThrow(expect.objectContaining(code));
    for (const path of ['/abs.js', '../x.js', 'a/../../x.js', '', '.']) {
      expect(() => job.addFile(path, '')).toThrow(expect.objectContaining(code));
    }
    const clash = new JobBuilder({ name: 'x' }).deployTo('s', ['server']);
    clash.serverApp('s').addWorkflow({ id: 'w', type: 'T' });
    clash.addFile('s/config/config_fed_server.json', '{}');
    expect(() => clash.toFiles()).toThrow('would replace a file the builder writes');
  });

  it('keeps its own copies of what it is given', () => {
    const args = { num_rounds: 1, aggregator_id: 'a' };
    const builder = new JobBuilder({ name: 'x' }).serverApp('s').addWorkflow({ id: 'w', type: 'T', args });
    args.num_rounds = 99;
    const config = builder.toConfig();
    expect(config.workflows[0]?.args).toEqual({ num_rounds: 1, aggregator_id: 'a' });
    config.workflows.pop();
    expect(builder.toConfig().workflows).toHaveLength(1);
  });
});
