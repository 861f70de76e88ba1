/**
 * Quota through the CLI: a project whose instance quota is 3 and a node asking for 5. Three servers become
 * ready, the quota error is reported with Nova's words, the node gives up instead of looping, and the POSTs
 * (counted by a pass-through proxy) stay bounded.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { OsClient, describeOpenStack, makeProject, type TestProject } from '../nova/cloud.js';
import { proxiedCloud } from '../nova/fault-proxy.js';
import { explain, novaSite, status, type NovaSite } from './site.js';

describeOpenStack('nova quota through the reef CLI', (env) => {
  let admin: OsClient;
  let project: TestProject;
  let cloud: Awaited<ReturnType<typeof proxiedCloud>>;
  let site: NovaSite;

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    project = await makeProject(env, admin, `reef-quota-${randomBytes(3).toString('hex')}`);
    await admin.setInstanceQuota(project.projectId, 3);
    const user = await OsClient.login(env, 'user');
    cloud = await proxiedCloud(new URL(env.authUrl).origin, user.url('compute').replace(/\/v2\.1$/, ''), user.url('network'));
    site = novaSite({ ...env, username: project.username }, 'quota',
      { endpoint: cloud.keystone.url, projectId: project.projectId, networkId: project.networkId, password: project.password });
  }, 120_000);
  afterAll(async () => {
    await project?.remove();
    await cloud?.close();
    site?.cleanup();
  }, 180_000);

  it('three ready, a clear quota error, no crash loop', async () => {
    const args = [join(site.dir, 'infra-workers.yaml'), ...site.applyArgs.slice(1)];
    const started = Date.now();
    const run = await site.reef(['apply', ...args, '--wait', '--timeout', '300'], { timeoutMs: 400_000 });
    console.info(`[nova e2e] quota 3 vs 5: exit ${run.code} after ${Date.now() - started} ms; POST /servers: ${cloud.nova.count('POST', /\/servers$/)}`);
    expect(run.code, explain(run)).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Quota exceeded for instances/);
    const report = await status(site);
    const states = Object.values(report.worker.instances).map((i) => i.state);
    expect(states.filter((s) => s === 'ready')).toHaveLength(3);
    const servers = (await admin.compute('GET', `/servers/detail?all_tenants=1&project_id=${project.projectId}`)).json.servers as any[];
    expect(servers.filter((s) => s.status === 'ACTIVE')).toHaveLength(3);
    // bounded: the node gives up after a limited number of failures
    const posts = cloud.nova.count('POST', /\/servers$/);
    expect(posts).toBeLessThanOrEqual(3 + 2 * 5 + 2);
  }, 500_000);
});
