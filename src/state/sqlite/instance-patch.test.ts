import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { InstancePatcher } from './instance-patch.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.exec(`CREATE TABLE instances (id TEXT PRIMARY KEY, state TEXT, attempts INTEGER, updated_at INTEGER,
           ref_json TEXT, last_error_json TEXT)`);
  db.prepare("INSERT INTO instances VALUES ('i1', 'pending', 0, 1, NULL, NULL)").run();
});
afterEach(() => db.close());

it('prepares one statement per distinct key set, whatever the key order', () => {
  const p = new InstancePatcher(db);
  expect(p.apply('i1', { state: 'creating', updatedAt: 2 })).toBe(1);
  expect(p.apply('i1', { updatedAt: 3, state: 'booting' })).toBe(1);
  expect(p.apply('i1', { attempts: 1, ref: undefined })).toBe(1);
  expect(p.cachedStatements).toBe(2);
  expect(db.prepare('SELECT state, attempts, updated_at FROM instances').get()).toEqual({ state: 'booting', attempts: 1, updated_at: 3 });
});

it('encodes JSON columns and writes null for a cleared value', () => {
  const p = new InstancePatcher(db);
  p.apply('i1', { ref: { driver: 'd', endpoint: 'e', id: 'x' }, lastError: { code: 'C', message: 'm', transient: true } });
  expect(db.prepare('SELECT ref_json FROM instances').get()).toEqual({ ref_json: '{"driver":"d","endpoint":"e","id":"x"}' });
  p.apply('i1', { ref: null, lastError: null });
  expect(db.prepare('SELECT ref_json, last_error_json FROM instances').get()).toEqual({ ref_json: null, last_error_json: null });
});

it('does nothing for an empty patch or an unknown instance', () => {
  const p = new InstancePatcher(db);
  expect(p.apply('i1', {})).toBe(0);
  expect(p.apply('nope', { state: 'ready' })).toBe(0);
  expect(p.cachedStatements).toBe(1);
});
