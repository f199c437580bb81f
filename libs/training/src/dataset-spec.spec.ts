import { resolveSiteIndex } from './dataset-spec.js';
import { TrainingErrorCode } from './errors.js';

describe('resolveSiteIndex', () => {
  it('takes K - 1 from a site-K name, or the explicit site_index', () => {
    expect(resolveSiteIndex({ spec: { num_clients: 8 }, site: 'site-1' })).toBe(0);
    expect(resolveSiteIndex({ spec: { num_clients: 8 }, site: 'site-8' })).toBe(7);
    expect(resolveSiteIndex({ spec: { num_clients: 8, site_index: 3 }, site: 'hospital-a' })).toBe(3);
  });

  it('names the site when it has no index or one outside the partition', () => {
    expect(() => resolveSiteIndex({ spec: { num_clients: 2 }, site: 'hospital-a' })).toThrow(
      expect.objectContaining({ code: TrainingErrorCode.INVALID_DATASET, message: expect.stringContaining('site "hospital-a" has no dataset share') }),
    );
    expect(() => resolveSiteIndex({ spec: { num_clients: 2 }, site: 'site-0' })).toThrow(expect.objectContaining({ code: TrainingErrorCode.INVALID_DATASET }));
    expect(() => resolveSiteIndex({ spec: { num_clients: 2 }, site: 'site-3' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('index 2, but dataset.num_clients is 2') }),
    );
  });
});
