/**
 * Runs in a separate process (node --import tsx) so the tests can exercise the store across processes.
 * Usage: child-store.ts MODE DB ARGS...; prints one JSON line per result; commands that wait read stdin.
 *   open DB                              → {ok:true} | {code, message}
 *   hold-lease DB INFRA HOLDER TTL NOW   → {acquired}, then holds the connection open until stdin ends
 *   race-leases DB HOLDER COUNT          → "ready", waits for a line, → {won: [i...]}
 *   write DB TAG COUNT                   → "ready", waits for a line, → {done: COUNT}
 */
import { createInterface } from 'node:readline';
import { isReefError } from '../../src/reconcilers/errors.js';
import { openSqliteStore } from '../../src/state/sqlite/index.js';

const [mode, db, ...args] = process.argv.slice(2);
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise<void>((resolve) => lines.once('line', () => resolve()));
const stdinClosed = () => new Promise<void>((resolve) => lines.once('close', () => resolve()));

async function main(): Promise<void> {
  if (mode === 'open') {
    const store = openSqliteStore(db);
    await store.close();
    say({ ok: true });
    return;
  }
  const store = openSqliteStore(db);
  if (mode === 'hold-lease') {
    const [infra, holder, ttl, now] = args;
    say({ acquired: await store.acquireLease(infra, holder, Number(ttl), Number(now)) });
    await stdinClosed();
  } else if (mode === 'race-leases') {
    const [holder, count] = args;
    say('ready');
    await nextLine();
    const won: number[] = [];
    for (let i = 0; i < Number(count); i++) if (await store.acquireLease(`infra-${i}`, holder, 3_600_000, 0)) won.push(i);
    say({ won });
  } else if (mode === 'write') {
    const [tag, count] = args;
    say('ready');
    await nextLine();
    for (let i = 0; i < Number(count); i++) {
      await store.appendEvents([{ time: i, infra: tag, kind: 'test.write', message: `${tag} ${i}` }]);
      await store.writeInstances([{ id: `${tag}-${i % 50}`, patch: { attempts: i, updatedAt: i } }]);
    }
    say({ done: Number(count) });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await store.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    say(isReefError(e) ? { code: e.code, message: e.message } : { error: String(e) });
    process.exit(isReefError(e) ? 0 : 1);
  },
);
