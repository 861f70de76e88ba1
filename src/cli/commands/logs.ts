import type { App } from '../app.js';
import { eventLine } from '../render.js';
import { eventPage, eventView } from '../../ops/index.js';
import { EXIT } from '../exit.js';
import { FatalError } from '../../reconcilers/errors.js';

export async function logsCommand(app: App, id: string | undefined, opts: { follow: boolean; json: boolean; tail?: number }): Promise<number> {
  const store = app.readStore();
  if (id !== undefined && !(await store.getInfra(id))) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}" in ${app.statePath}`);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let after = 0;
  for (let first = true; ; first = false) {
    const batch = await eventPage(store, { infra: id, afterSeq: after, limit: 1000, tail: first ? opts.tail : undefined });
    for (const e of batch) print(opts.json ? JSON.stringify(eventView(e)) : eventLine(e));
    if (batch.length) after = batch[batch.length - 1].seq;
    if (batch.length === 1000) continue;
    if (!opts.follow) return EXIT.ok;
    await new Promise((r) => setTimeout(r, 300));
  }
}
