/**
 * The live view in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): deploy
 * dummy-cluster through the API and watch its nodes turn ready on the page. Fails, never skips, without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { apiHarness, AUTH, example, TOKEN, type ApiHarness } from './helpers.js';
import { ROOT } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
let h: ApiHarness;
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  h = await apiHarness({ events: { pollMs: 50 } });
  url = await h.api.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('live view', () => {
  it('asks for a token when it has none', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#token', 'wrong-token-wrong-token');
    await page.click('#login button');
    await expect.poll(() => page.textContent('#login-error')).toContain('refused');
    await page.close();
  });

  it('draws the infra as a graph and follows its nodes to ready', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') failures.push(m.text()); });
    await page.goto(`${url}/#token=${TOKEN}`);
    expect(new URL(page.url()).hash).toBe(''); // the token leaves the address bar at once
    await page.waitForSelector('#connection[data-state="live"]');
    expect(await page.isVisible('#login')).toBe(false);

    await h.api.inject({ method: 'PUT', url: '/v1/nodedefs', headers: AUTH, payload: example('nodes.yaml') });
    const put = await h.api.inject({ method: 'PUT', url: '/v1/infras/dummy-cluster', headers: AUTH, payload: { infra: example('infra.yaml') } });
    expect(put.statusCode).toBe(200);

    const infra = '[data-infra="dummy-cluster"]';
    await page.waitForSelector(`${infra} [data-node="head"]`, { timeout: 15_000 });
    await page.waitForSelector(`${infra} [data-node="worker"][data-ready="3"][data-target="3"]`, { timeout: 20_000 });
    await page.waitForSelector(`${infra} [data-node="head"][data-ready="1"]`);
    expect(await page.locator(`${infra} path.edge[data-from="head"][data-to="worker"]`).count()).toBe(1);
    expect(await page.locator(`${infra} [data-node="worker"] circle[data-state="ready"]`).count()).toBe(3);
    // by dependency level: the worker's column is right of the head's
    const x = async (node: string) => (await page.locator(`${infra} [data-node="${node}"]`).boundingBox())!.x;
    expect(await x('worker')).toBeGreaterThan(await x('head'));
    await expect.poll(() => page.locator('#events li').count()).toBeGreaterThan(5);
    expect(await page.textContent('#events')).toContain('→ ready');

    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    await page.screenshot({ path: join(ROOT, '.tmp/live-view.png'), fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  });
});
