import { silentLogger } from '@hearth/core';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import type { DatasetSpec } from './dataset-spec.js';
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD, loadFashionMnistData } from './fashion-mnist-data.js';
import { resolveSiteData } from './site-data.js';
import { capturingLogger } from './testing/log-lines.js';

const logger = silentLogger();
const spec: DatasetSpec = {
  name: 'fashion-mnist',
  dir: FASHION_MNIST_SUBSET_DIR,
  normalize: 'standardize',
  partition: { kind: 'dirichlet', alpha: 0.5, seed: 4 },
  num_clients: 3,
  test_split: 'share',
};

function union(parts: readonly Uint32Array[]): number[] {
  return parts.flatMap((p) => [...p]).sort((a, b) => a - b);
}

describe('resolveSiteData', () => {
  it('gives each site a disjoint share of the training split and of the test split', async () => {
    const sites = await Promise.all(['site-1', 'site-2', 'site-3'].map((site) => resolveSiteData({ spec, site, logger })));
    const train = union(sites.map((s) => s.train.rows));
    const test = union(sites.map((s) => s.test.rows));
    expect(train).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(test).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(sites.map((s) => s.siteIndex)).toEqual([0, 1, 2]);
    expect(sites.map((s) => s.labelHistogram.reduce((a, b) => a + b, 0))).toEqual(sites.map((s) => s.train.rows.length));
    expect(sites[0]?.source).toBe('dir');
  });

  it('loads and partitions once per process: a second resolve shares the same arrays', async () => {
    const a = await resolveSiteData({ spec, site: 'site-2', logger });
    const b = await resolveSiteData({ spec, site: 'site-2', logger });
    expect(b.train.data.x).toBe(a.train.data.x);
    expect(b.train.rows).toBe(a.train.rows);
    const other = await resolveSiteData({ spec: { ...spec, partition: { kind: 'iid', seed: 4 } }, site: 'site-2', logger });
    expect(other.train.data.x).toBe(a.train.data.x);
    expect(other.train.rows).not.toEqual(a.train.rows);
  });

  it('gives every site the whole test split with test_split full', async () => {
    const site = await resolveSiteData({ spec: { ...spec, test_split: 'full' }, site: 'site-3', logger });
    expect(site.test.rows.length).toBe(500);
  });

  it('standardizes with the training split statistics, or scales to [0, 1]', async () => {
    const unit = await loadFashionMnistData({ spec: { name: 'fashion-mnist', dir: FASHION_MNIST_SUBSET_DIR, normalize: 'unit' }, logger });
    const standard = await loadFashionMnistData({ spec: { name: 'fashion-mnist', dir: FASHION_MNIST_SUBSET_DIR, normalize: 'standardize' }, logger });
    expect(Math.max(...unit.train.x.subarray(0, 784))).toBeLessThanOrEqual(1);
    expect(standard.train.x[100]).toBeCloseTo(((unit.train.x[100] as number) - FASHION_MNIST_MEAN) / FASHION_MNIST_STD, 5);
    expect(standard.train.y[7]).toBe(BigInt(standard.train.labels[7] as number));
  });

  it('falls back to the committed subset when the system dataset is missing, and says so once', async () => {
    const { logger: capture, lines } = capturingLogger();
    const options = { spec: { name: 'fashion-mnist' as const, normalize: 'unit' as const }, logger: capture, systemDir: '/nonexistent/fashion-mnist' };
    const first = await loadFashionMnistData(options);
    await loadFashionMnistData(options);
    expect(first.source).toBe('subset');
    expect(first.train.count).toBe(2000);
    const warnings = lines.filter((l) => l['level'] === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.['msg']).toContain('using the committed subset (2000 train, 500 test images)');
  });
});
