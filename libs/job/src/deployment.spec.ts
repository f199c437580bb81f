import { appForSite, deployedClientSites, isAllSites, isValidAppName, isValidSiteName } from './deployment.js';

describe('deployment helpers', () => {
  const deployMap = { srv: ['server'], cli: ['site-1', 'site-2'], other: ['site-3'] };

  it('finds the app a site runs', () => {
    expect(appForSite(deployMap, 'server')).toBe('srv');
    expect(appForSite(deployMap, 'site-2')).toBe('cli');
    expect(appForSite(deployMap, 'site-9')).toBeUndefined();
    expect(appForSite({ app: ['@all'] }, 'site-9')).toBe('app');
    expect(appForSite({ app: ['@ALL'] }, 'server')).toBe('app');
  });

  it('lists the named client sites, or @ALL', () => {
    expect(deployedClientSites(deployMap)).toEqual(['site-1', 'site-2', 'site-3']);
    expect(deployedClientSites({ app: ['@All'] })).toBe('@ALL');
  });

  it('checks names', () => {
    expect(isAllSites('@aLL')).toBe(true);
    expect(isAllSites('ALL')).toBe(false);
    expect(['site-1', 'hospital_a', 'org.site', 'S1'].every(isValidSiteName)).toBe(true);
    expect(['', '-x', 'a b', 'a/b', '@ALL'].some(isValidSiteName)).toBe(false);
    expect(['app', '_app', 'app-1.v2'].every(isValidAppName)).toBe(true);
    expect(['', '.', '..', '.hidden', 'a/b', '../x'].some(isValidAppName)).toBe(false);
  });
});
