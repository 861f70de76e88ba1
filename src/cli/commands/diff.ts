import type { App } from '../app.js';
import { EXIT } from '../exit.js';
import { loadSpec, type SpecArgs } from '../spec-input.js';
import { diffInfra, type InfraDiff } from '../../controller/diff.js';
import { nodeFingerprint } from '../../controller/node-fingerprint.js';
import { specHash } from '../../state/sqlite/spec-hash.js';
import { diffJson, diffText } from '../render-diff.js';

/** `reef diff` and `apply --dry-run`: 0 when an apply would change nothing, 3 when it would (2: bad input). */
export const EXIT_CHANGES = 3;

/** What an apply of the file would change, read from the store; writes nothing. */
export async function computeDiff(app: App, args: SpecArgs): Promise<InfraDiff> {
  const store = app.readStore(); // first: loadSpec reads stored node definitions through the same store
  const spec = await loadSpec(app, args);
  const infra = await store.getInfra(spec.id);
  const stored = infra && { infra, nodes: await store.getNodes(spec.id), instances: await store.listInstances(spec.id) };
  return diffInfra({ spec, stored, fingerprint: nodeFingerprint, specChanged: !infra || specHash(infra.spec) !== specHash(spec) });
}

export async function diffCommand(app: App, args: SpecArgs, json: boolean): Promise<number> {
  const d = await computeDiff(app, args);
  process.stdout.write(`${json ? JSON.stringify(diffJson(d)) : diffText(d, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR)}\n`);
  return d.changed ? EXIT_CHANGES : EXIT.ok;
}
