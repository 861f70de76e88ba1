/**
 * The example plugin (examples/plugins/local-process), loaded the way `reef --plugin` loads it and held to the
 * same conformance suite as the built-in drivers, imported from reef's package exports as a plugin author would
 * (needs `npm run build`: npm test's pretest does it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadDriverPlugin } from 'reef/conformance';
import { describeDriverConformance } from 'reef/conformance/vitest';
import type { Driver, ResourceSection } from 'reef/driver';
import { silentLogger } from '../../src/util/log.js';
import { ROOT } from '../helpers/cli.js';

const stateDir = mkdtempSync(join(tmpdir(), 'reef-plugin-process-'));
const root = join(stateDir, 'host');
mkdirSync(root);
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const plugin = await loadDriverPlugin('./examples/plugins/local-process/index.js', ROOT);
const factory = await plugin.load();
const section = (extra: Record<string, unknown> = {}) => ({ type: 'process', root, command: ['sleep', '120'], ...extra }) as ResourceSection;

describeDriverConformance('local-process plugin', {
  name: 'process',
  driver: () => factory({ stateDir, log: silentLogger() }) as Driver,
  resource: section(),
  unreachableResource: section({ root: join(stateDir, 'no-such-host') }),
  slowResource: section({ command: ['sh', '-c', 'sleep 30; echo up'], wait_for_output: true }),
  foreign: async () => {
    const file = join(root, 'not-reef.json');
    writeFileSync(file, JSON.stringify({ pid: process.pid, note: 'a file reef did not write' }));
    return async () => rmSync(file, { force: true });
  },
});
