/**
 * The dashboard in headless Chromium (Debian's /usr/bin/chromium through playwright-core) on the dummy cloud:
 * deploy from the catalog (a refused value first, as the CLI would refuse it), follow the new infra to ready,
 * scale up and down with the node's buttons, kill a worker out of band, read the timeline (creation, boot, ready,
 * failure, replacement, removal), destroy with confirmation. Saves screenshots
 * to .tmp/dashboard/ (docs/img/ holds copies). Fails, never skips, without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiHarness, AUTH, TOKEN, type ApiHarness } from './helpers.js';
import { ROOT } from '../helpers/cli.js';
import { tmpdir } from 'node:os';
import { builtinCatalogDir, loadCatalog, localTargets } from '../../src/catalog/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { silentLogger } from '../../src/util/log.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, '.tmp/dashboard');
const SECRET_PATH = '/srv/reef/secret-auth-file.yaml';
let h: ApiHarness;
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/setup.d/30-chromium.sh installs it)`);
  const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: tmpdir(), log: silentLogger() });
  const entries = loadCatalog([builtinCatalogDir()], registry.resourceSchemas());
  // an operator's named target with an auth file: not deployed to here, but its path must never show
  h = await apiHarness({ events: { pollMs: 50 }, catalog: { entries, targets: [...localTargets(['dummy']), { name: 'lab-docker', cloud: 'docker', authPath: SECRET_PATH }] } });
  url = await h.api.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const infra = (id: string) => `[data-infra="${id}"]`;

async function rowsOf(page: Page): Promise<Array<{ node: string; states: string }>> {
  return page.locator('.tl-row').evaluateAll((rows) => rows.map((r) => ({ node: r.getAttribute('data-tl-node') ?? '', states: r.getAttribute('data-states') ?? '' })));
}

describe('dashboard', () => {
  it('deploys from the catalog, follows the infra live, scales it, shows its timeline, and destroys it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('400')) failures.push(m.text()); });
    await page.goto(`${url}/#token=${TOKEN}`);
    await page.waitForSelector('#connection[data-state="live"]');
    expect(await page.textContent('#infra-list')).toContain('none yet');

    // the catalog, with a card per entry and the operator's targets by name only
    await page.click('#show-catalog');
    await page.waitForSelector('.card[data-entry="autodock-vina"]');
    expect(await page.textContent('.card[data-entry="autodock-vina"]')).toContain('AutoDock Vina virtual screening');
    expect(await page.textContent('#targets')).toBe('targets: dummy (dummy), lab-docker (docker)');
    await page.screenshot({ path: join(SHOTS, 'catalog.png'), fullPage: true });

    // a bad value is refused with the CLI's message, and nothing is created
    await page.click('[data-deploy="autodock-vina"]');
    await page.waitForSelector('#deploy-dialog[open]');
    expect(await page.locator('#deploy-target option').allTextContents()).toEqual(['dummy (dummy)', 'lab-docker (docker)']);
    await page.fill('#var-workers', '20');
    await page.click('#deploy-submit');
    await expect.poll(() => page.textContent('#deploy-error')).toBe('<request body>: autodock-vina: workers must be at most 8, got "20" (field variables.workers)');
    expect((await h.api.inject({ method: 'GET', url: '/v1/infras', headers: AUTH })).json().infras).toEqual([]);

    await page.fill('#var-workers', '2');
    await page.fill('#var-ligands', '4');
    await page.selectOption('#deploy-target', 'dummy');
    await page.screenshot({ path: join(SHOTS, 'deploy-form.png') });
    const clicked = Date.now();
    await page.click('#deploy-submit');

    // the page follows the new infra at once, live, to ready
    const id = 'autodock-vina';
    await page.waitForSelector(`${infra(id)} [data-node="generator"]`, { timeout: 10_000 });
    await page.waitForSelector(`${infra(id)} [data-node="worker"][data-ready="2"][data-target="2"]`, { timeout: 30_000 });
    await page.waitForSelector(`${infra(id)} .badge[data-phase="ready"]`, { timeout: 30_000 });
    const readyMs = Date.now() - clicked;
    console.info(`[dashboard] autodock-vina on the dummy cloud: ready ${readyMs} ms after the Deploy click`);
    expect(await page.locator('[data-infra-item="autodock-vina"]').count()).toBe(1);
    expect(await page.locator(`${infra(id)} path.edge[data-from="collector"][data-to="worker"]`).count()).toBe(1);
    expect(await page.locator(`${infra(id)} table.instances tr[data-state="ready"]`).count()).toBe(4);

    // scale up with the node's + button, then down with −
    await page.click(`${infra(id)} button[data-scale="worker"][data-by="1"]`);
    await page.waitForSelector(`${infra(id)} [data-node="worker"][data-ready="3"][data-target="3"]`, { timeout: 30_000 });
    await page.click(`${infra(id)} button[data-scale="worker"][data-by="-1"]`);
    await page.waitForSelector(`${infra(id)} [data-node="worker"][data-ready="2"][data-target="2"][data-actual="2"]`, { timeout: 30_000 });
    // the timeline: every instance the infra had, the removed one ending in gone
    await expect.poll(async () => (await rowsOf(page)).filter((r) => r.node === 'worker').length, { timeout: 10_000 }).toBe(3);
    const rows = await rowsOf(page);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => /\bcreating\b.*\bready\b/.test(r.states))).toBe(true);
    await expect.poll(async () => (await rowsOf(page)).filter((r) => r.states.endsWith('gone')).length, { timeout: 10_000 }).toBe(1);
    expect(await page.textContent('#events')).toContain('→ ready');

    // a worker dies out of band: the timeline shows it failing and its replacement coming up
    const victim = (await h.store.listInstances(id)).find((i) => i.node === 'worker' && i.state === 'ready')!;
    expect(h.cloud.kill(h.cloud.findByInstance(victim.id)!.id)).toBe(true);
    await expect.poll(async () => (await rowsOf(page)).length, { timeout: 30_000 }).toBe(6);
    await page.waitForSelector(`${infra(id)} [data-node="worker"][data-ready="2"][data-target="2"][data-actual="2"]`, { timeout: 30_000 });
    const victimRow = page.locator(`.tl-row[data-instance="${victim.id}"]`);
    await expect.poll(async () => (await victimRow.getAttribute('data-states')) ?? '', { timeout: 30_000 }).toMatch(/ ready (unhealthy )?failed destroying gone$/);
    await page.waitForTimeout(1200); // let the bars grow a little past the last transition
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    await page.locator('#timeline-panel').screenshot({ path: join(SHOTS, 'timeline.png') });

    // nothing secret on the page: not the token, not the operator's auth file path
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain(SECRET_PATH);

    // destroy asks first; Cancel keeps it
    await page.click('#destroy');
    await page.waitForSelector('#destroy-dialog[open]');
    expect(await page.textContent('#destroy-name')).toBe(id);
    await page.click('#destroy-cancel');
    expect((await h.store.getInfra(id))!.status).toBe('active');
    await page.click('#destroy');
    await page.click('#destroy-confirm');
    await page.waitForSelector(`${infra(id)} .badge[data-phase="destroyed"]`, { timeout: 30_000 });
    expect((await h.store.getInfra(id))!.status).toBe('destroyed');
    expect(h.cloud.all(id)).toEqual([]);
    expect(failures).toEqual([]);
    await page.close();
  }, 120_000);
});
