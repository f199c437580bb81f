import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { JobErrorCode } from './errors.js';
import { loadJob } from './load-job.js';
import type { JobProblem } from './job-problem.js';
import { clientConfig, serverConfig, TempDirs, testRegistry, validJobFiles, writeFiles } from './spec-fixtures.js';
import { validateJob } from './validate-job.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const registry = testRegistry();
const SERVER_FILE = 'app_server/config/config_fed_server.json';
const CLIENT_FILE = 'app_client/config/config_fed_client.json';

async function problemsOf(files: Record<string, unknown>): Promise<JobProblem[]> {
  const dir = await dirs.make();
  await writeFiles(dir, files);
  return validateJob(dir, { registry });
}

function withMeta(meta: Record<string, unknown>): Record<string, unknown> {
  return { ...validJobFiles(), 'meta.json': meta };
}

function baseMeta(): Record<string, unknown> {
  return validJobFiles()['meta.json'] as Record<string, unknown>;
}

describe('validateJob', () => {
  it('accepts a valid job', async () => {
    expect(await problemsOf(validJobFiles())).toEqual([]);
  });

  it('accepts a single app deployed to @ALL', async () => {
    const problems = await problemsOf({
      'meta.json': { name: 'one-app', deploy_map: { app: ['@all'] }, min_clients: 5 },
      'app/config/config_fed_server.json': serverConfig(),
      'app/config/config_fed_client.json': clientConfig(),
    });
    expect(problems).toEqual([]);
  });

  describe('files', () => {
    it('reports a missing meta.json', async () => {
      const files = validJobFiles();
      delete files['meta.json'];
      expect(await problemsOf(files)).toEqual([
        expect.objectContaining({ file: 'meta.json', path: '$', message: expect.stringContaining('is missing') }),
      ]);
    });

    it('reports invalid JSON with line and column', async () => {
      const problems = await problemsOf({ ...validJobFiles(), 'meta.json': '{\n  "name": "x",\n  "deploy_map": {,}\n}' });
      expect(problems).toEqual([
        {
          file: 'meta.json',
          path: '$',
          line: 3,
          column: 18,
          message: 'invalid JSON at line 3, column 18: expected a property name in double quotes, found character ","',
        },
      ]);
    });

    it('reports invalid JSON in an app config', async () => {
      const problems = await problemsOf({ ...validJobFiles(), [CLIENT_FILE]: '{"format_version": 2, "executors": [}' });
      expect(problems).toEqual([expect.objectContaining({ file: CLIENT_FILE, line: 1, column: 37 })]);
    });

    it('reports an app folder that does not exist', async () => {
      const files = validJobFiles();
      delete files[CLIENT_FILE];
      expect(await problemsOf(files)).toEqual([
        { file: 'meta.json', path: '$.deploy_map.app_client', message: 'app "app_client" has no folder app_client/ in the job folder' },
      ]);
    });

    it('reports a config the deployment needs but the app lacks', async () => {
      const dir = await dirs.make();
      await writeFiles(dir, { ...validJobFiles(), 'app_client/README.md': 'client app without config' });
      await rm(join(dir, CLIENT_FILE));
      expect(await validateJob(dir, { registry })).toEqual([
        { file: CLIENT_FILE, path: '$', message: 'is missing, but app "app_client" is deployed to clients' },
      ]);
    });

    it('reports a config path that is a folder', async () => {
      const dir = await dirs.make();
      const files = validJobFiles();
      delete files[CLIENT_FILE];
      await writeFiles(dir, { ...files, [`${CLIENT_FILE}/nested.json`]: {} });
      expect(await validateJob(dir, { registry })).toEqual([
        expect.objectContaining({ file: CLIENT_FILE, path: '$', message: 'is a folder, expected a JSON file' }),
      ]);
    });
  });

  describe('meta.json', () => {
    it('reports a missing deploy_map', async () => {
      const meta = baseMeta();
      delete meta['deploy_map'];
      const problems = await problemsOf(withMeta(meta));
      expect(problems).toContainEqual({ file: 'meta.json', path: '$.deploy_map', message: 'is required but missing' });
    });

    it('reports an empty deploy_map and one without the server', async () => {
      expect(await problemsOf(withMeta({ ...baseMeta(), deploy_map: {}, min_clients: undefined, mandatory_clients: [] }))).toContainEqual({
        file: 'meta.json',
        path: '$.deploy_map',
        message: 'must deploy at least one app',
      });
      const problems = await problemsOf(withMeta({ ...baseMeta(), deploy_map: { app_client: ['site-1', 'site-2'] } }));
      expect(problems).toEqual([{ file: 'meta.json', path: '$.deploy_map', message: 'no app is deployed to "server"' }]);
    });

    it('reports deploy_map entries of the wrong shape', async () => {
      const problems = await problemsOf(withMeta({ ...baseMeta(), deploy_map: { app_server: 'server', app_client: [] } }));
      expect(problems).toEqual(
        expect.arrayContaining([
          { file: 'meta.json', path: '$.deploy_map.app_server', message: 'must be array' },
          { file: 'meta.json', path: '$.deploy_map.app_client', message: 'must not have fewer than 1 items' },
        ]),
      );
    });

    it('reports a site deployed twice', async () => {
      const meta = { ...baseMeta(), deploy_map: { app_server: ['server', 'site-2'], app_client: ['site-1', 'site-2'] } };
      expect(await problemsOf(withMeta(meta))).toEqual([
        {
          file: 'meta.json',
          path: '$.deploy_map.app_client[1]',
          message: 'site "site-2" is deployed twice (also at $.deploy_map.app_server[1]); each site runs exactly one app',
        },
        { file: 'app_server/config/config_fed_client.json', path: '$', message: 'is missing, but app "app_server" is deployed to clients' },
      ]);
    });

    it('reports @ALL combined with other sites', async () => {
      const meta = { name: 'x', deploy_map: { app_server: ['server'], app_client: ['@ALL'] } };
      expect(await problemsOf(withMeta(meta))).toEqual([
        {
          file: 'meta.json',
          path: '$.deploy_map.app_client[0]',
          message: '"@ALL" deploys this app to the server and every client, so no other site may be listed',
        },
        { file: 'app_client/config/config_fed_server.json', path: '$', message: 'is missing, but app "app_client" is deployed to the server' },
      ]);
    });

    it('reports app and site names that cannot be used', async () => {
      const meta = { ...baseMeta(), deploy_map: { '../evil': ['server'], app_client: ['site 1', 'site-1', 'site-2'] } };
      const problems = await problemsOf(withMeta(meta));
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: '$.deploy_map["../evil"]', message: expect.stringContaining('not a usable app folder name') }),
          expect.objectContaining({ path: '$.deploy_map.app_client[0]', message: expect.stringContaining('"site 1" is not a valid site name') }),
        ]),
      );
    });

    it('reports min_clients larger than the named client sites', async () => {
      expect(await problemsOf(withMeta({ ...baseMeta(), min_clients: 3 }))).toEqual([
        { file: 'meta.json', path: '$.min_clients', message: 'is 3, but deploy_map names only 2 client sites' },
      ]);
    });

    it('reports mandatory clients that are not deployed', async () => {
      expect(await problemsOf(withMeta({ ...baseMeta(), mandatory_clients: ['site-1', 'site-9'] }))).toEqual([
        { file: 'meta.json', path: '$.mandatory_clients[1]', message: 'client "site-9" is mandatory but deploy_map does not deploy to it' },
      ]);
    });

    it('reports wrong types, unknown keys and bad resource specs', async () => {
      const meta = { ...baseMeta(), name: '', min_clients: 0, min_client: 2, resource_spec: { 'site-1': { num_gpus: -1, gpus: 1 } } };
      const problems = await problemsOf(withMeta(meta));
      expect(problems).toEqual(
        expect.arrayContaining([
          { file: 'meta.json', path: '$.name', message: 'must not have fewer than 1 characters' },
          { file: 'meta.json', path: '$.min_clients', message: 'must be >= 1' },
          expect.objectContaining({ path: '$.min_client', message: expect.stringMatching(/^is not a known property \(allowed: name, deploy_map/) }),
          { file: 'meta.json', path: '$.resource_spec["site-1"].num_gpus', message: 'must be >= 0' },
          expect.objectContaining({ path: '$.resource_spec["site-1"].gpus', message: expect.stringContaining('is not a known property') }),
        ]),
      );
      expect(problems).toHaveLength(5);
    });
  });

  describe('app configs', () => {
    async function serverProblems(mutate: (config: Record<string, unknown>) => void): Promise<JobProblem[]> {
      const config: Record<string, unknown> = serverConfig();
      mutate(config);
      return problemsOf({ ...validJobFiles(), [SERVER_FILE]: config });
    }

    async function clientProblems(mutate: (config: Record<string, unknown>) => void): Promise<JobProblem[]> {
      const config: Record<string, unknown> = clientConfig();
      mutate(config);
      return problemsOf({ ...validJobFiles(), [CLIENT_FILE]: config });
    }

    it('reports an unknown component type', async () => {
      const problems = await serverProblems((c) => {
        c['components'] = [{ id: 'aggregator', type: 'Countr' }];
      });
      expect(problems).toEqual([
        {
          file: SERVER_FILE,
          path: '$.components[0].type',
          message: 'unknown component type "Countr" (registered types: Counter, Echo, Pool, RoundsWorkflow, Tag)',
        },
      ]);
    });

    it("reports args that fail the type's schema, with defaults applied first", async () => {
      const problems = await serverProblems((c) => {
        c['workflows'] = [{ id: 'sag', type: 'RoundsWorkflow', args: { num_rounds: 0, aggregator_id: 'aggregator' } }];
        c['components'] = [{ id: 'aggregator', type: 'Counter' }];
      });
      expect(problems).toEqual([{ file: SERVER_FILE, path: '$.workflows[0].args.num_rounds', message: 'must be >= 1' }]);
    });

    it('reports missing and misspelt args', async () => {
      const problems = await serverProblems((c) => {
        c['components'] = [{ id: 'aggregator', type: 'Counter', args: { strat: 1 } }];
        c['workflows'] = [{ id: 'sag', type: 'RoundsWorkflow', args: { aggregator_id: 'aggregator' } }];
      });
      expect(problems).toEqual([
        { file: SERVER_FILE, path: '$.components[0].args.strat', message: 'is not a known property (allowed: start)' },
        { file: SERVER_FILE, path: '$.workflows[0].args.num_rounds', message: 'is required but missing' },
      ]);
    });

    it('reports duplicate component ids across components, workflows and executors', async () => {
      const serverSide = await serverProblems((c) => {
        c['components'] = [
          { id: 'aggregator', type: 'Counter' },
          { id: 'sag', type: 'Counter' },
        ];
      });
      expect(serverSide).toEqual([
        { file: SERVER_FILE, path: '$.workflows[0].id', message: 'duplicate component id "sag" (first used at $.components[1])' },
      ]);
      const clientSide = await clientProblems((c) => {
        c['components'] = [{ id: 'trainer', type: 'Counter' }];
      });
      expect(clientSide).toEqual([
        { file: CLIENT_FILE, path: '$.executors[0].executor.id', message: 'duplicate component id "trainer" (first used at $.components[0])' },
      ]);
    });

    it('reports references to ids that do not exist, by *_id convention and by declaration', async () => {
      const problems = await serverProblems((c) => {
        c['components'] = [
          { id: 'aggregator', type: 'Counter' },
          { id: 'pool', type: 'Pool', args: { members: ['aggregator', 'ghost'] } },
        ];
        c['workflows'] = [{ id: 'sag', type: 'RoundsWorkflow', args: { num_rounds: 1, aggregator_id: 'agg' } }];
      });
      expect(problems).toEqual([
        { file: SERVER_FILE, path: '$.components[1].args.members[1]', message: 'refers to component "ghost", which this app does not define' },
        { file: SERVER_FILE, path: '$.workflows[0].args.aggregator_id', message: 'refers to component "agg", which this app does not define' },
      ]);
    });

    it('checks *_id and *_ids args of types without a schema, and custom types that fail to load', async () => {
      const problems = await serverProblems((c) => {
        c['components'] = [
          { id: 'aggregator', type: 'Counter' },
          { id: 'x', type: './custom/missing.js#Thing', args: { persistor_id: 'nope', cleanser_ids: ['aggregator', 'gone'] } },
        ];
      });
      expect(problems).toEqual([
        expect.objectContaining({ path: '$.components[1].type', message: expect.stringContaining('cannot be loaded') }),
        { file: SERVER_FILE, path: '$.components[1].args.persistor_id', message: 'refers to component "nope", which this app does not define' },
        { file: SERVER_FILE, path: '$.components[1].args.cleanser_ids[1]', message: 'refers to component "gone", which this app does not define' },
      ]);
    });

    it('reports reference cycles', async () => {
      const problems = await serverProblems((c) => {
        c['components'] = [
          { id: 'aggregator', type: 'Counter' },
          { id: 'a', type: 'Pool', args: { members: ['b'] } },
          { id: 'b', type: 'Pool', args: { members: ['a'] } },
        ];
      });
      expect(problems).toEqual([
        { file: SERVER_FILE, path: '$.components[1].id', message: 'components refer to each other in a cycle: a -> b -> a' },
      ]);
    });

    it('reports executors claiming the same task twice', async () => {
      const problems = await clientProblems((c) => {
        c['executors'] = [
          { tasks: ['train', 'validate'], executor: { type: 'Echo' } },
          { tasks: ['submit_model', 'train'], executor: { type: 'Echo' } },
          { tasks: ['*', 'other'], executor: { type: 'Echo' } },
        ];
      });
      expect(problems).toEqual([
        { file: CLIENT_FILE, path: '$.executors[1].tasks[1]', message: 'task "train" is already claimed by the executor at $.executors[0]' },
        {
          file: CLIENT_FILE,
          path: '$.executors[2].tasks[0]',
          message: '"*" (every task not claimed by another executor) must be an executor\'s only task',
        },
      ]);
    });

    it('accepts one catch-all executor for every task the others do not claim', async () => {
      const problems = await clientProblems((c) => {
        c['executors'] = [
          { tasks: ['train'], executor: { type: 'Echo' } },
          { tasks: ['*'], executor: { type: 'Echo' } },
        ];
      });
      expect(problems).toEqual([]);
    });

    it('reports "*" combined with task names in a filter binding', async () => {
      const problems = await clientProblems((c) => {
        c['task_data_filters'] = [{ tasks: ['*', 'train'], filters: [] }];
      });
      expect(problems).toEqual([
        { file: CLIENT_FILE, path: '$.task_data_filters[0].tasks', message: '"*" already means every task; it cannot be combined with task names' },
      ]);
    });

    it('reports structural mistakes with JSON paths', async () => {
      const problems = await serverProblems((c) => {
        c['format_version'] = 1;
        c['workflows'] = [];
        c['task_result_filters'] = [{ tasks: [], filters: [{ type: 'Tag', args: { tag: 'a' }, extra: true }] }];
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          { file: SERVER_FILE, path: '$.format_version', message: 'must be 2' },
          { file: SERVER_FILE, path: '$.workflows', message: 'must not have fewer than 1 items' },
          { file: SERVER_FILE, path: '$.task_result_filters[0].tasks', message: 'must not have fewer than 1 items' },
          expect.objectContaining({ path: '$.task_result_filters[0].filters[0].extra', message: expect.stringContaining('is not a known property') }),
        ]),
      );
    });

    it('reports custom code where it is not allowed', async () => {
      const dir = await dirs.make();
      const config = serverConfig();
      config['components'] = [{ id: 'aggregator', type: './custom/agg.js#Agg' }];
      await writeFiles(dir, { ...validJobFiles(), [SERVER_FILE]: config });
      expect(await validateJob(dir, { registry, allowCustomCode: false })).toEqual([
        { file: SERVER_FILE, path: '$.components[0].type', message: 'custom component type "./custom/agg.js#Agg" is not allowed here' },
      ]);
    });
  });

  it('collects problems from every file in one run', async () => {
    const files = { ...withMeta({ ...baseMeta(), min_clients: 9 }), [SERVER_FILE]: '{', [CLIENT_FILE]: { format_version: 2 } };
    const problems = await problemsOf(files);
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual([
      'meta.json $.min_clients',
      `${SERVER_FILE} $`,
      `${CLIENT_FILE} $.executors`,
    ]);
  });
});

describe('loadJob', () => {
  it('returns the meta and the app configs of a valid job', async () => {
    const dir = await dirs.make();
    await writeFiles(dir, validJobFiles());
    const job = await loadJob(dir, { registry });
    expect(job.meta.name).toBe('test-job');
    expect([...job.apps.keys()]).toEqual(['app_server', 'app_client']);
    const server = { sites: ['server'], server: serverConfig(), client: undefined, dir: join(dir, 'app_server') };
    expect(job.apps.get('app_server')).toMatchObject(server);
    expect(job.apps.get('app_client')?.client).toEqual(clientConfig());
  });

  it('throws HEARTH_ERR_JOB_INVALID listing every problem', async () => {
    const dir = await dirs.make();
    await writeFiles(dir, withMeta({ ...baseMeta(), min_clients: 3, mandatory_clients: ['site-7'] }));
    const error: unknown = await loadJob(dir, { registry }).catch((e: unknown) => e);
    expect(isHearthError(error, JobErrorCode.JOB_INVALID)).toBe(true);
    expect(error).toMatchObject({ problems: [{ path: '$.min_clients' }, { path: '$.mandatory_clients[0]' }] });
    expect((error as Error).message).toContain('has 2 problems:\n  meta.json $.min_clients: is 3');
  });
});
