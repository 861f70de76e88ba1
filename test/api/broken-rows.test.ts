/** A stored row that cannot be read is its infra's alone, over the API too: the list shows it broken, next to the others. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { apiHarness, AUTH, type ApiHarness } from './helpers.js';
import { infraSpec, node } from '../helpers/spec.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ serve: false });
});
afterAll(() => h.close());

describe('GET /v1/infras with a broken row', () => {
  it('lists every infra; the broken one names itself and the column; its own status says why', async () => {
    await h.store.putInfra(infraSpec('ok-1', [node('w')]));
    await h.store.putInfra(infraSpec('bad-1', [node('w')]));
    const db = (h.store as unknown as { db: Database.Database }).db;
    db.prepare(`UPDATE infras SET spec_json = 'not json' WHERE id = 'bad-1'`).run();

    const res = await h.api.inject({ method: 'GET', url: '/v1/infras', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const list = res.json().infras as Array<{ id: string; status: string; broken?: string }>;
    expect(list.map((i) => i.id)).toEqual(['bad-1', 'ok-1']);
    expect(list[0]).toMatchObject({ status: 'active', broken: expect.stringMatching(/^infra bad-1: stored column spec_json is not valid JSON/) });
    expect(list[1].broken).toBeUndefined();
    expect((await h.api.inject({ method: 'GET', url: '/infrastructures/', headers: AUTH })).json()).toEqual({ infrastructures: ['bad-1', 'ok-1'] });

    // the broken one's own status: the row cannot be read, said without quoting what is stored
    const one = await h.api.inject({ method: 'GET', url: '/v1/infras/bad-1', headers: AUTH });
    expect(one.statusCode).toBe(500);
    expect(one.json()).toMatchObject({ code: 'REEF_STATE_ROW_CORRUPT', message: expect.stringMatching(/^infra bad-1: stored column spec_json is not valid JSON/) });
    expect(one.body).not.toContain('not json');
    expect((await h.api.inject({ method: 'GET', url: '/v1/infras/ok-1', headers: AUTH })).statusCode).toBe(200);
  });
});
