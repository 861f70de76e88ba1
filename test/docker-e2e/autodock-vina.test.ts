/**
 * The catalog's autodock-vina entry on the real engine: `reef deploy` with 2 workers and 4 ligands, the
 * collector's result page, and a ranking that is Vina's own output (one ligand docked again by hand inside a
 * container of the image gives the same score: same seed, same search). Needs reef-test/vina
 * (.ci/setup.d/40-vina.sh, examples/autodock-vina/build-images.sh); fails without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { containersOf, engine, eventually, explain, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('vina');
const IMAGE = 'reef-test/vina:latest';

interface Results {
  expected: number;
  received: number;
  complete: boolean;
  workers: string[];
  ranking: Array<{ rank: number; ligand: string; affinity_kcal_mol: number; worker: string; seconds: number; remark: string }>;
  failed: unknown[];
}

beforeAll(async () => {
  await requireEngine();
  await engine.getImage(IMAGE).inspect().catch(() => {
    throw new Error(`${IMAGE} is missing: run examples/autodock-vina/build-images.sh (.ci/setup.d/40-vina.sh does)`);
  });
});
afterAll(() => ws.cleanup([id]));

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

describe('autodock-vina from the catalog on Docker', () => {
  it('docks the ligands on 2 workers and serves them ranked by Vina\'s scores; destroy leaves nothing', async () => {
    const started = Date.now();
    const r = ws.cli(['deploy', 'autodock-vina', '--cloud', 'docker', '--set', 'workers=2', '--set', 'ligands=4', '--set', 'unit_size=1', '--id', id, '--wait', '--timeout', '240']);
    expect(r.code, explain(r)).toBe(0);
    const deployedMs = Date.now() - started;

    const report = statusJson(ws, id);
    expect(report.worker.scaling).toMatchObject({ target: 2, actual: 2 });
    const workerIds = Object.keys(report.worker.instances).sort();
    const collectorIp = Object.values(report.collector.instances)[0].resource_address;
    expect(collectorIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const results = await eventually('the collector has every ligand', async () => {
      const res = await get(`http://${collectorIp}:8080/results.json`).catch(() => undefined);
      const body = res?.status === 200 ? (JSON.parse(res.text) as Results) : undefined;
      return body?.complete ? body : undefined;
    }, 240_000, 1000);
    const dockedMs = Date.now() - started;
    console.info(`[e2e] autodock-vina: deploy --wait ${deployedMs} ms, 4 ligands ranked ${dockedMs} ms after the deploy began`);
    console.info(`[e2e] autodock-vina ranking:\n${results.ranking.map((x) => `  ${x.rank}. ${x.ligand} ${x.affinity_kcal_mol} kcal/mol (${x.worker}, ${x.seconds} s)`).join('\n')}`);

    expect(results).toMatchObject({ expected: 4, received: 4, failed: [] });
    expect(results.ranking).toHaveLength(4);
    for (const row of results.ranking) {
      // the score is the one Vina wrote into its output pose file
      const m = /^REMARK VINA RESULT:\s+(-?\d+\.\d+)\s/.exec(row.remark);
      expect(m, row.remark).not.toBeNull();
      expect(row.affinity_kcal_mol).toBe(Number(m![1]));
      expect(row.affinity_kcal_mol).toBeLessThan(0); // these ligands bind this receptor (kcal/mol, lower is better)
      expect(workerIds).toContain(row.worker);
    }
    const scores = results.ranking.map((x) => x.affinity_kcal_mol);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));

    // the result page lists them in that order
    const page = await get(`http://${collectorIp}:8080/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('4 of 4 ligands docked (complete)');
    const order = results.ranking.map((x) => page.text.indexOf(`<td>${x.ligand}</td>`));
    expect(order.every((p) => p > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // dock the best ligand again by hand in the generator's container: Vina gives the same score
    const [generator] = await containersOf(id, 'generator');
    const best = results.ranking[0];
    const out = execFileSync('docker', ['exec', generator.Id, 'vina', '--receptor', '/opt/reef-vina/data/receptor.pdbqt',
      '--ligand', `/opt/reef-vina/data/ligands/${best.ligand}.pdbqt`, '--config', '/opt/reef-vina/data/vina-config.txt',
      '--out', '/tmp/check.pdbqt', '--cpu', '1', '--exhaustiveness', '1', '--seed', '42'], { encoding: 'utf8', timeout: 120_000 });
    const mode1 = /^\s+1\s+(-?\d+\.\d+)\s/m.exec(out);
    expect(mode1, out).not.toBeNull();
    expect(Number(mode1![1])).toBe(best.affinity_kcal_mol);

    const d = ws.cli(['destroy', id, '--wait']);
    expect(d.code, explain(d)).toBe(0);
    expect(await containersOf(id)).toEqual([]);
  }, 600_000);
});
