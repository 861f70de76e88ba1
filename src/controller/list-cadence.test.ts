import { describe, expect, it } from 'vitest';
import { ListCadence, busyEndpoints } from './list-cadence.js';

const KEY = 'docker|unix:///var/run/docker.sock';
const rec = (state: string, endpoint = 'unix:///var/run/docker.sock') => ({ rec: { driver: 'docker', endpoint, state: state as 'ready' } });

describe('ListCadence', () => {
  it('skips a watched endpoint with instances in flight while its last good list is within the bound', () => {
    const c = new ListCadence(1000);
    const busy = new Set([KEY]);
    expect(c.shouldList({ key: KEY, watched: true, now: 0 }, busy)).toBe(true); // never listed
    c.record(KEY, true, 0);
    expect(c.shouldList({ key: KEY, watched: true, now: 999 }, busy)).toBe(false);
    expect(c.shouldList({ key: KEY, watched: true, now: 1000 }, busy)).toBe(true); // the bound: a safety-net list
  });

  it('lists when nothing is in flight there (the whole picture: confirmations, orphans, end of a destroy)', () => {
    const c = new ListCadence(1000);
    c.record(KEY, true, 0);
    expect(c.shouldList({ key: KEY, watched: true, now: 10 }, new Set())).toBe(true);
    expect(c.shouldList({ key: KEY, watched: true, now: 10 }, new Set(['docker|tcp://10.0.0.5:2375']))).toBe(true);
  });

  it('lists every tick an endpoint without a watch, or whose last list failed', () => {
    const c = new ListCadence(1000);
    const busy = new Set([KEY]);
    c.record(KEY, true, 0);
    expect(c.shouldList({ key: KEY, watched: false, now: 10 }, busy)).toBe(true);
    c.record(KEY, false, 20);
    expect(c.shouldList({ key: KEY, watched: true, now: 30 }, busy)).toBe(true);
  });
});

describe('busyEndpoints', () => {
  it('names the endpoints with an instance being created, configured or checked', () => {
    expect(busyEndpoints([rec('ready'), rec('failed'), rec('gone')])).toEqual(new Set());
    for (const state of ['pending', 'contextualising', 'creating', 'configuring', 'checking']) {
      expect(busyEndpoints([rec('ready'), rec(state)]), state).toEqual(new Set([KEY]));
    }
  });

  it('leaves out an endpoint where a machine waits on an observation (booting, destroying): it is listed every tick', () => {
    for (const state of ['booting', 'destroying']) {
      expect(busyEndpoints([rec('creating'), rec(state)]), state).toEqual(new Set());
      expect(busyEndpoints([rec('creating'), rec(state, 'tcp://10.0.0.5:2375')]), state).toEqual(new Set([KEY]));
    }
    expect(busyEndpoints([rec('creating', 'tcp://10.0.0.5:2375')])).toEqual(new Set(['docker|tcp://10.0.0.5:2375']));
  });
});
