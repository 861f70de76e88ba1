import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReefError } from '../errors.js';
import { SshPoolDb, poolFilePath } from './pool-db.js';

const labels = (instance: string) => ({ infra: 'web', node: 'app', instance });
const freshDb = () => poolFilePath(mkdtempSync(join(tmpdir(), 'reef-pool-')));

describe('SshPoolDb', () => {
  it('claims hosts in order, idempotently per instance, and frees them', () => {
    const db = new SshPoolDb(freshDb());
    const hosts = ['a:22', 'b:22'];
    expect(db.claim('p', hosts, labels('i1'), 1).host).toBe('a:22');
    expect(db.claim('p', hosts, labels('i1'), 2)).toMatchObject({ host: 'a:22', claimed_at: 1 });
    expect(db.claim('p', hosts, labels('i2'), 3).host).toBe('b:22');
    expect(db.list('p').map((c) => c.instance_id)).toEqual(['i1', 'i2']);
    expect(db.release('p', 'a:22', 'i2')).toBe(false); // not i2's host
    expect(db.release('p', 'a:22', 'i1')).toBe(true);
    expect(db.claim('p', hosts, labels('i3'), 4).host).toBe('a:22');
    db.close();
  });

  it('throws a fatal REEF_SSH_POOL_EXHAUSTED naming the holders', () => {
    const db = new SshPoolDb(freshDb());
    db.claim('p', ['a:22'], labels('i1'), 1);
    try {
      db.claim('p', ['a:22'], labels('i2'), 2);
      expect.unreachable();
    } catch (err) {
      expect(isReefError(err) && err.code).toBe('REEF_SSH_POOL_EXHAUSTED');
      expect(isReefError(err) && err.transient).toBe(false);
      expect((err as Error).message).toContain('a:22 (i1)');
    }
    db.close();
  });

  it('keeps pools apart and filters by infra', () => {
    const db = new SshPoolDb(freshDb());
    db.claim('p1', ['a:22'], labels('i1'), 1);
    db.claim('p2', ['a:22'], { infra: 'other', node: 'n', instance: 'i2' }, 1);
    expect(db.list('p2', 'web')).toEqual([]);
    expect(db.list('p2', 'other')).toHaveLength(1);
    db.close();
  });

  it('two connections never hand out the same host', () => {
    const file = freshDb();
    const one = new SshPoolDb(file);
    const two = new SshPoolDb(file);
    const hosts = ['a:22', 'b:22', 'c:22'];
    const got = [one.claim('p', hosts, labels('x'), 1), two.claim('p', hosts, labels('y'), 1), one.claim('p', hosts, labels('z'), 1)];
    expect(new Set(got.map((c) => c.host)).size).toBe(3);
    one.close();
    two.close();
  });

  it('records a host key once and keeps the first', () => {
    const db = new SshPoolDb(freshDb());
    db.recordHostKey('a:22', 'SHA256:first', 1);
    db.recordHostKey('a:22', 'SHA256:second', 2);
    expect(db.hostKey('a:22')).toBe('SHA256:first');
    db.forgetHostKey('a:22');
    expect(db.hostKey('a:22')).toBeUndefined();
    db.close();
  });
});
