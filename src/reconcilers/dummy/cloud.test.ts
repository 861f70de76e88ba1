import { spawn } from 'node:child_process';
import { observeViaList } from '../../../test/drivers/observe.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import type { CallContext } from '../driver.js';
import { silentLogger } from '../../util/log.js';
import { addressOf, CloudDb, cloudFilePath } from './cloud-db.js';
import { openDummyCloud, type DummyCloud } from './cloud.js';
import { DummyDriver } from './driver.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let stateDir: string;
const opened: Array<{ close(): unknown }> = [];
const ctx: CallContext = { signal: new AbortController().signal, log: silentLogger(), clock: systemClock };

function cloud(): DummyCloud {
  const c = openDummyCloud(stateDir);
  opened.push(c);
  return c;
}
function driver(): DummyDriver {
  const d = new DummyDriver({ stateDir, log: silentLogger() });
  opened.push(d);
  return d;
}
const create = (d: DummyDriver, id: string, infra = 'infra-a') =>
  d.create({ instanceId: id, labels: { infra, node: 'w', instance: id }, resource: { type: 'dummy' }, context: { kind: 'none' } }, ctx);

/** Runs a script in a separate node process (tsx loads the .ts sources); resolves with its stdout lines. */
function child(script: string, onLine?: (line: string, kill: () => void) => void): Promise<string[]> {
  const code = `import { DummyDriver } from '${join(here, 'driver.ts')}';
    import { silentLogger } from '${join(here, '../../util/log.ts')}';
    import { systemClock } from '${join(here, '../../controller/clock.ts')}';
    const stateDir = ${JSON.stringify(stateDir)};
    const ctx = { signal: new AbortController().signal, log: silentLogger(), clock: systemClock };
    const req = (id) => ({ instanceId: id, labels: { infra: 'infra-a', node: 'w', instance: id }, resource: { type: 'dummy' }, context: { kind: 'none' } });
    ${script}`;
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        lines.push(line);
        onLine?.(line, () => proc.kill('SIGKILL'));
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (status, signal) =>
      status === 0 || signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`child exited ${status}: ${stderr}`)),
    );
  });
}

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'reef-dummy-cloud-'));
});
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('dummy cloud', () => {
  it('maps sequence numbers to addresses: .0.1 … .0.254, then .1.1; past 65,024 the next /16, wrapping within the /8', () => {
    expect([1, 254, 255, 509, 65_024].map((n) => addressOf('10.77', n))).toEqual([
      '10.77.0.1', '10.77.0.254', '10.77.1.1', '10.77.2.1', '10.77.255.254',
    ]);
    // the first /16 is where addresses always were; the 65,025th used to wrap onto 10.77.0.1 (and a cloud of
    // 65,025 live instances had no address left): it now opens 10.78
    expect([65_025, 65_026, 2 * 65_024 + 1].map((n) => addressOf('10.77', n))).toEqual(['10.78.0.1', '10.78.0.2', '10.79.0.1']);
    expect([65_024, 65_025].map((n) => addressOf('10.255', n))).toEqual(['10.255.255.254', '10.0.0.1']);
    expect([1, 65_025].map((n) => addressOf('10', n))).toEqual(['10.0.0.1', '10.1.0.1']);
    // after the whole /8 (256 × 65,024), seq wraps to the prefix's first address (insert skips those in use)
    expect(addressOf('10.77', 256 * 65_024 + 1)).toBe('10.77.0.1');
  });

  it('hands one endpoint more than 65,536 unique addresses, each one stored with its row', () => {
    const db = new CloudDb(cloudFilePath(stateDir, 'big'));
    opened.push(db);
    const N = 70_000;
    const row = (i: number) => ({
      instance_id: `i-${i}`, infra: 'big', node: 'w', created_at: 0, boot_delay: 0, die_after: null,
      unhealthy_after: null, unhealthy: 0 as const, flavor: null, image: null, ipPrefix: '10.77',
    });
    const ips = db.db.transaction(() => Array.from({ length: N }, (_, i) => db.insert(row(i)).ip))();
    expect(new Set(ips).size).toBe(N);
    expect([ips[0], ips[65_023], ips[65_024], ips[N - 1]]).toEqual(['10.77.0.1', '10.77.255.254', '10.78.0.1', addressOf('10.77', N)]);
    // an address already in use (a row a file from before this change placed by the old wrap-around) is skipped
    db.db.prepare(`INSERT INTO instances (id, instance_id, infra, node, ip, created_at, boot_delay, unhealthy)
                   VALUES ('old-1', 'old-1', 'big', 'w', ?, 0, 0, 0)`).run(addressOf('10.77', N + 1));
    const next = db.db.transaction(() => db.insert(row(N)))();
    expect(next.ip).toBe(addressOf('10.77', N + 2));
    expect(db.countAll.get()!.n).toBe(N + 2);
    expect(db.byInstance.get('i-69999')!.ip).toBe(ips[N - 1]);
  });

  it('counts and lists records, per infra or all', async () => {
    const d = driver();
    await Promise.all([create(d, 'a1'), create(d, 'a2'), create(d, 'b1', 'infra-b')]);
    const c = cloud();
    expect([c.count(), c.count('infra-a'), c.count('infra-b'), c.count('nope')]).toEqual([3, 2, 1, 0]);
    expect(c.all('infra-b')).toEqual([
      expect.objectContaining({ labels: { infra: 'infra-b', node: 'w', instance: 'b1' }, unhealthy: false, bootDelay: 0 }),
    ]);
  });

  it('makes one resource for two creates of one instance in the same tick', async () => {
    const d = driver();
    const [a, b] = await Promise.all([create(d, 'twin'), create(d, 'twin')]);
    expect(b).toEqual(a);
    expect(cloud().count()).toBe(1);
  });

  it('sees changes another connection committed (its cache follows data_version)', async () => {
    const reader = driver();
    const writer = driver();
    expect(await reader.list({ resource: { type: 'dummy' } }, ctx)).toEqual([]);
    const { ref } = await create(writer, 'w1');
    expect((await reader.list({ resource: { type: 'dummy' } }, ctx)).map((o) => o.ref.id)).toEqual([ref.id]);
    cloud().kill('w1');
    expect(await observeViaList(reader, { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ phase: 'failed' });
    await writer.destroy({ ref, resource: { type: 'dummy' } }, ctx);
    expect(await observeViaList(reader, { ref, resource: { type: 'dummy' } }, ctx)).toEqual({ exists: false, ref });
  });

  it('refuses an orphan whose instance id is already taken', () => {
    const c = cloud();
    const first = c.insertOrphan({ infra: 'x', node: 'n', instance: 'same' });
    expect(first.labels).toEqual({ infra: 'x', node: 'n', instance: 'same' });
    expect(() => c.insertOrphan({ infra: 'x', instance: 'same' })).toThrow(/UNIQUE/);
    expect(c.count()).toBe(1);
  });

  it('keeps addresses unique when two processes create at once', async () => {
    const d = driver();
    const createMany = async (prefix: string) => {
      const ips: string[] = [];
      for (let i = 0; i < 500; i++) ips.push((await create(d, `${prefix}-${i}`)).addresses!.ip!);
      return ips;
    };
    let ours: Promise<string[]> = Promise.resolve([]);
    // one transaction per create on both sides, started together, so the writes interleave
    const theirs = await child(
      `const d = new DummyDriver({ stateDir, log: silentLogger() });
      console.log('start');
      const ips = [];
      for (let i = 0; i < 500; i++) ips.push((await d.create(req('child-' + i), ctx)).addresses.ip);
      console.log(JSON.stringify(ips));`,
      (line) => {
        if (line === 'start') ours = createMany('parent');
      },
    );
    const ips = [...JSON.parse(theirs[1]!), ...(await ours)];
    expect(ips).toHaveLength(1000);
    expect(new Set(ips).size).toBe(1000);
    expect((await d.list({ resource: { type: 'dummy' } }, ctx)).length).toBe(1000);
  });

  it('keeps a resource whose creator was killed right after create returned', async () => {
    const lines = await child(
      `const d = new DummyDriver({ stateDir, log: silentLogger() });
      const r = await d.create(req('survivor'), ctx);
      console.log(JSON.stringify(r.ref));
      setInterval(() => {}, 1000); // wait to be killed`,
      (_line, kill) => kill(),
    );
    const ref = JSON.parse(lines[0]!);
    expect(await observeViaList(driver(), { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({
      exists: true,
      phase: 'running',
      labels: { instance: 'survivor' },
    });
  });
});
