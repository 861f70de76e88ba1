/**
 * `reef --server URL status|apply|scale|destroy|logs|import`: the same commands over the /v1 API of a running
 * `reef serve`, printing what the local commands print. The server reconciles; --wait follows its status.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RemoteClient, descriptorText, type RemoteEvent } from './remote-client.js';
import { eventLine, infraListJson, infrasTable, statusTable } from './render.js';
import { endpointGaveUp, finalOutcome, timedOut } from './outcome.js';
import { EXIT, UsageError } from './exit.js';
import { parseSetArgs } from '../catalog/index.js';
import { throwIfAny } from '../schemas/diagnostics.js';
import type { InfraStatusView, InfraSummaryView } from '../ops/views.js';
import type { ApplyOptions } from './commands/apply.js';
import type { ScaleOptions } from './commands/scale.js';

export { RemoteClient };
const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const enc = encodeURIComponent;

export async function remoteStatus(c: RemoteClient, id: string | undefined, json: boolean): Promise<number> {
  if (!id) {
    const { infras } = await c.call<{ infras: InfraSummaryView[] }>('GET', '/v1/infras');
    if (json) out(JSON.stringify(infraListJson(infras)));
    else out(infrasTable(infras));
    return EXIT.ok;
  }
  if (json) {
    out(JSON.stringify(await c.call('GET', `/infrastructures/${enc(id)}`))); // Occopus's report shape, as local status -o json
    return EXIT.ok;
  }
  const s = await c.call<InfraStatusView>('GET', `/v1/infras/${enc(id)}`);
  out(`infra ${id}: ${s.status}, generation ${s.generation}`);
  out(statusTable(s));
  return EXIT.ok;
}

export async function remoteApply(c: RemoteClient, o: ApplyOptions): Promise<number> {
  const infra = descriptorText(resolve(o.infraFile));
  c.nameBody('<request body>', resolve(o.infraFile));
  const nodes = o.nodes ? descriptorText(resolve(o.nodes)) : undefined;
  if (o.nodes) c.nameBody('<request body: nodes>', resolve(o.nodes));
  const name = (infra.value as { infra_name?: unknown } | null)?.infra_name;
  const id = o.id ?? (typeof name === 'string' ? name : undefined);
  if (!id) throw new UsageError(`${o.infraFile} has no infra_name: give --id`);
  const put = await c.call<{ infraid: string; created: boolean; changed: boolean; generation: number }>('PUT', `/v1/infras/${enc(id)}`, {
    infra: infra.text, ...(nodes ? { nodes: nodes.text } : {}), ...(o.strategy ? { strategy: o.strategy } : {}), ...(o.auth ? remoteAuth(o.auth) : {}),
  });
  process.stderr.write(`infra ${id}: ${put.created ? 'created' : put.changed ? `updated (generation ${put.generation})` : 'unchanged'}\n`);
  const result = await settle(c, id, o.wait, o.timeoutS, o.endpointWait);
  if (o.json) out(JSON.stringify({ infraid: id }));
  else out(`${result.status ? `${statusTable(result.status)}\n` : ''}${result.message}\n${id}`);
  if (result.exitCode !== 0 && o.json) process.stderr.write(`${result.message}\n`);
  return result.exitCode;
}

/** --auth with --server: a file here is one of the server's --auth files (by path); anything else names an entry of them */
function remoteAuth(auth: string): { authPath: string } | { auth: string } {
  return existsSync(auth) ? { authPath: resolve(auth) } : { auth };
}

/** `reef deploy NAME --server URL`: --cloud names one of the server's deploy targets (GET /v1/catalog lists them). */
export async function remoteDeploy(c: RemoteClient, name: string, o: { cloud: string; set: string[]; id?: string; auth?: string; catalog?: string[]; wait: boolean; timeoutS: number; endpointWait?: number; json: boolean }): Promise<number> {
  if (o.auth || o.catalog?.length) throw new UsageError('--auth and --catalog are the server\'s with --server (reef serve --auth FILE --catalog DIR)');
  const { values, problems } = parseSetArgs(o.set, '<command line>');
  throwIfAny(problems);
  const r = await c.call<{ infraid: string; created: boolean; changed: boolean }>('POST', `/v1/catalog/${enc(name)}/deploy`, { target: o.cloud, variables: values, ...(o.id ? { id: o.id } : {}) });
  const id = r.infraid;
  process.stderr.write(`infra ${id}: ${r.created ? 'created' : r.changed ? 'updated' : 'unchanged'} from catalog entry ${name} on ${o.cloud}\n`);
  const result = await settle(c, id, o.wait, o.timeoutS, o.endpointWait);
  if (o.json) out(JSON.stringify({ infraid: id }));
  else out(`${result.status ? `${statusTable(result.status)}\n` : ''}${result.message}\n${id}`);
  if (result.exitCode !== 0 && o.json) process.stderr.write(`${result.message}\n`);
  return result.exitCode;
}

export async function remoteScale(c: RemoteClient, id: string, node: string, o: ScaleOptions): Promise<number> {
  if ((o.to !== undefined) === (o.by !== undefined) && !o.instance) throw new UsageError('give exactly one of --to N or --by ±N (or --instance ID)');
  if (o.to !== undefined && o.by !== undefined) throw new UsageError('give --to or --by, not both');
  const r = await c.call<{ target: number }>('PUT', `/v1/infras/${enc(id)}/nodes/${enc(node)}/scale`, { to: o.to, by: o.by, instance: o.instance });
  const result = await settle(c, id, o.wait, o.timeoutS, o.endpointWait);
  if (o.json) out(JSON.stringify({ infraid: id, node, target: r.target }));
  else out(`${result.status ? `${statusTable(result.status)}\n` : ''}${result.message}`);
  return result.exitCode;
}

export async function remoteDestroy(c: RemoteClient, id: string, o: { wait: boolean; timeoutS: number; endpointWait?: number; json: boolean }): Promise<number> {
  const r = await c.call<{ status: 'destroying' | 'destroyed' }>('DELETE', `/v1/infras/${enc(id)}`);
  const result = r.status === 'destroyed' ? { exitCode: EXIT.ok, message: `${id}: already destroyed`, done: true } : await settle(c, id, o.wait, o.timeoutS, o.endpointWait);
  out(o.json ? JSON.stringify({ infraid: id, destroyed: result.exitCode === 0 && result.done }) : result.message);
  return result.exitCode;
}

export async function remoteLogs(c: RemoteClient, id: string | undefined, o: { follow: boolean; json: boolean; tail?: number }): Promise<number> {
  const path = id ? `/v1/infras/${enc(id)}/events` : '/v1/events';
  const print = (e: RemoteEvent) => {
    // the server sends eventView(): -o json prints it as it came
    out(o.json ? JSON.stringify(e) : eventLine({ ...e, time: Date.parse(e.time) }));
  };
  let after = 0;
  for (let first = true; ; first = false) {
    const tail = first && o.tail !== undefined ? `&tail=${o.tail}` : '';
    const { events } = await c.call<{ events: RemoteEvent[] }>('GET', `${path}?follow=false&limit=1000&after=${after}${tail}`);
    events.forEach(print);
    if (events.length) after = events[events.length - 1].seq;
    if (events.length < 1000) break;
  }
  if (o.follow) await c.follow(path, after, print);
  return EXIT.ok;
}

export async function remoteImport(c: RemoteClient, file: string, json: boolean): Promise<number> {
  c.nameBody('<request body>', resolve(file));
  const r = await c.call<{ imported: string[] }>('PUT', '/v1/nodedefs', descriptorText(resolve(file)).text, true);
  out(json ? JSON.stringify({ imported: r.imported }) : `imported node definitions: ${r.imported.join(', ')}`);
  return EXIT.ok;
}

interface Settled { exitCode: number; message: string; status?: InfraStatusView; done: boolean }

/** Without --wait: the server has it. With --wait: poll its status until converged, failed for good, or the timeout. */
async function settle(c: RemoteClient, id: string, wait: boolean, timeoutS: number, endpointWaitS?: number): Promise<Settled> {
  if (!wait) return { exitCode: EXIT.ok, message: `${id}: desired state stored; reef serve at ${c.base} is reconciling it`, done: false };
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const s = await c.call<InfraStatusView>('GET', `/v1/infras/${enc(id)}`);
    const seen = { ...s, destroyed: s.status === 'destroyed' };
    const done = finalOutcome(id, seen);
    if (done) return { ...done, status: s, done: true };
    const gaveUp = endpointGaveUp(id, seen, Date.now(), endpointWaitS === undefined ? undefined : endpointWaitS * 1000);
    if (gaveUp) return { ...gaveUp, status: s, done: false };
    if (Date.now() >= deadline) return { ...timedOut(id, timeoutS * 1000, seen), status: s, done: false };
    await new Promise((r) => setTimeout(r, 300));
  }
}
