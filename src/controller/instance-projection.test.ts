import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../state/store.js';
import { isRoutineCheck, planCaresAbout, project, transitionReport } from './instance-projection.js';

const rec = (over: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id: 'w-1', infraId: 'i', node: 'w', implIndex: 0, driver: 'dummy', endpoint: 'default', ref: null, state: 'creating',
  machineVersion: 1, addresses: {}, attempts: 0, lastError: null, destroyReason: null, generation: 1, createdAt: 0,
  updatedAt: 0, readyAt: null, ...over,
});
const ref = { driver: 'dummy', endpoint: 'default', id: 'r-1' };
const resource = { type: 'dummy' };
const outage = { code: 'REEF_DOCKER_UNREACHABLE', message: 'endpoint X unreachable since T: refused', transient: true };

describe('project: a machine snapshot onto the instance row', () => {
  it('SetsRefAddressesAndReadyAt: the row follows the machine context', () => {
    const p = project(rec(), { state: 'booting', context: { ref, addresses: { ip: '10.0.0.1' }, readyAt: null } });
    expect(p).toEqual({
      from: 'creating', to: 'booting',
      fields: { ref, addresses: { ip: '10.0.0.1' }, lastError: null, readyAt: null },
      placement: undefined,
    });
  });
  it('PlacementOnceRendered: a ref with a rendered resource tells where the instance lives', () => {
    const p = project(rec(), { state: 'booting', context: { ref, addresses: {}, rendered: { resource, payload: { kind: 'none' } } } });
    expect(p.placement).toEqual({ key: 'dummy|default', resource, endpoint: 'default' });
  });
  it('OutageIsTheLastErrorWhileWaiting: an instance waiting on an endpoint that does not answer shows the outage', () => {
    const own = { code: 'REEF_DUMMY_TRANSIENT', message: 'one call failed', transient: true };
    expect(project(rec(), { state: 'creating', context: { addresses: {}, lastError: own } }, outage).fields.lastError).toEqual(outage);
    expect(project(rec(), { state: 'creating', context: { addresses: {}, lastError: own } }).fields.lastError).toEqual(own);
  });
  it('ReadyIgnoresTheOutage: a ready instance keeps its own last error', () => {
    expect(project(rec({ state: 'checking' }), { state: 'ready', context: { addresses: {}, lastError: null } }, outage).fields.lastError).toBeNull();
  });
  it('NoChangeKeepsTheState: from and to are equal when the machine stayed', () => {
    const p = project(rec({ state: 'ready' }), { state: 'ready', context: { addresses: {}, readyAt: 5 } });
    expect([p.from, p.to, p.fields.readyAt]).toEqual(['ready', 'ready', 5]);
  });
});

describe('transitions', () => {
  it('PlanCaresAboutReadyFailedGoneBooting, and a destroy that went back to work', () => {
    expect(['booting', 'ready', 'failed', 'gone'].every((to) => planCaresAbout('checking', to as never))).toBe(true);
    expect(planCaresAbout('creating', 'configuring')).toBe(false);
    expect(planCaresAbout('destroying', 'creating')).toBe(true);
    expect(planCaresAbout('ready', 'unhealthy')).toBe(false);
  });
  it('FailureReportCarriesTheError: a warn line, and the event holds the error', () => {
    const error = { code: 'REEF_DUMMY_FATAL', message: 'no', transient: false };
    const r = transitionReport(rec({ lastError: error }), 'creating', 'failed');
    expect(r.level).toBe('warn');
    expect(r.message).toBe('creating → failed: no');
    expect(r.event).toEqual({ node: 'w', instance: 'w-1', kind: 'instance.transition', from: 'creating', to: 'failed', message: 'creating → failed: no', data: { error } });
  });
  it('OtherTransitionsAreInfo: no error, even if the row has a stale one', () => {
    const r = transitionReport(rec({ lastError: { code: 'X', message: 'old', transient: true } }), 'checking', 'ready');
    expect([r.level, r.message, r.event.data, r.error]).toEqual(['info', 'checking → ready', undefined, null]);
  });
});

describe('isRoutineCheck: what a ready instance need not write', () => {
  const ready = rec({ state: 'ready', ref, addresses: { ip: '10.0.0.1' }, readyAt: 5 });
  const facts = (over: Partial<{ state: InstanceRecord['state']; addresses: InstanceRecord['addresses']; lastError: InstanceRecord['lastError']; readyAt: number | null }> = {}) => ({
    state: over.state ?? 'ready' as const,
    context: { ref: { ...ref }, addresses: over.addresses ?? { ip: '10.0.0.1' }, lastError: over.lastError ?? null, readyAt: over.readyAt ?? 5 },
  });
  it('SkipsAPassedHealthCheck: ready → ready with equal ref, addresses, readyAt and no error', () => {
    expect(isRoutineCheck(ready, project(ready, facts()))).toBe(true);
  });
  it('WritesEveryChange: entering ready, leaving it, a new address, a new readyAt, an error', () => {
    const checking = rec({ state: 'checking', ref, addresses: { ip: '10.0.0.1' } });
    expect(isRoutineCheck(checking, project(checking, facts()))).toBe(false);
    expect(isRoutineCheck(ready, project(ready, facts({ state: 'unhealthy' })))).toBe(false);
    expect(isRoutineCheck(ready, project(ready, facts({ addresses: { ip: '10.0.0.2' } })))).toBe(false);
    expect(isRoutineCheck(ready, project(ready, facts({ readyAt: 9 })))).toBe(false);
    const error = { code: 'REEF_HEALTH', message: 'port 22 closed', transient: true };
    expect(isRoutineCheck(ready, project(ready, facts({ lastError: error })))).toBe(false);
    expect(isRoutineCheck(rec({ ...ready, lastError: error }), project(ready, facts()))).toBe(false);
  });
});
