/**
 * Auth through the CLI against real Keystone: a wrong password fails `apply` at once (exit 1, Keystone's
 * words, nothing created, no retry loop); an application credential deploys and destroys.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OsClient, describeOpenStack } from '../nova/cloud.js';
import { explain, novaSite, status, type NovaSite } from './site.js';

describeOpenStack('nova auth through the reef CLI', (env) => {
  let admin: OsClient;
  let projectId: string;
  const sites: NovaSite[] = [];
  const endpoint = env.authUrl.replace(/\/v3$/, '');

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    projectId = (await OsClient.login(env, 'user')).projectId;
  });
  afterAll(async () => {
    for (const s of sites) {
      await admin?.removeInfra(s.id);
      s.cleanup();
    }
  });

  it('a wrong password: exit 1 at once with Keystone\'s words, nothing created', async () => {
    const site = novaSite(env, 'badpw', { endpoint, projectId, networkId: env.networkId, password: 'not-the-password' });
    sites.push(site);
    const started = Date.now();
    const run = await site.reef(['apply', ...site.applyArgs, '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    const took = Date.now() - started;
    console.info(`[nova e2e] wrong password: exit ${run.code} after ${took} ms`);
    expect(run.code, explain(run)).toBe(1);
    expect(took).toBeLessThan(30_000);
    expect(`${run.stdout}${run.stderr}`).toContain('The request you have made requires authentication.');
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-password');
    expect(await admin.serversOf(site.id)).toEqual([]);
  }, 400_000);

  it('an application credential deploys and destroys', async () => {
    if (!env.appCredId) throw new Error('the set-up exported no application credential');
    const site = novaSite(env, 'appcred', { endpoint, projectId, networkId: env.networkId, auth: 'appcred' });
    sites.push(site);
    const run = await site.reef(['apply', ...site.applyArgs, '--wait', '--timeout', '400'], { timeoutMs: 450_000 });
    expect(run.code, explain(run)).toBe(0);
    const report = await status(site);
    expect(Object.values(report['ping-sender'].instances).map((i) => i.state)).toEqual(['ready']);
    expect(await admin.serversOf(site.id)).toHaveLength(2);
    const destroy = await site.reef(['destroy', site.id, '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    expect(destroy.code, explain(destroy)).toBe(0);
    await admin.until('servers gone', async () => (await admin.serversOf(site.id)).length === 0);
    for (const out of site.outputs) expect(out).not.toContain(env.appCredSecret);
  }, 800_000);
});
