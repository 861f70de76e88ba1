/**
 * The HTTP side of `reef --server URL ...`: bearer token, JSON calls, server errors turned back into ReefErrors
 * (so exit codes match local runs), the event stream, and descriptor files read the way the server needs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FatalError, reefError } from '../errors/index.js';
import { displayPath, loadYamlFile } from '../schemas/index.js';
import { throwIfAny } from '../schemas/diagnostics.js';
import { UsageError } from './exit.js';

export interface RemoteOptions {
  server: string;
  tokenFile?: string;
  /** where `reef serve` keeps its token by default: `<state dir>/api-token` */
  stateDir: string;
}

export interface RemoteEvent {
  seq: number;
  time: string;
  infra: string;
  node?: string;
  instance?: string;
  kind: string;
  from?: string;
  to?: string;
  message: string;
  data?: Record<string, unknown>;
}

export class RemoteClient {
  readonly base: string;
  private readonly token: string;
  /** file names to put back into the server's diagnostics, which name the request body */
  private readonly bodyNames: Array<[string, string]> = [];

  constructor(opts: RemoteOptions) {
    if (!/^https?:\/\/[^/]+/.test(opts.server)) throw new UsageError(`--server must be a URL like http://127.0.0.1:5000 (got "${opts.server}")`);
    this.base = opts.server.replace(/\/+$/, '');
    this.token = tokenOf(opts);
  }

  nameBody(bodyName: string, file: string): void {
    this.bodyNames.push([bodyName, displayPath(file)]);
  }

  async call<T>(method: string, path: string, body?: unknown, raw = false): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = raw ? 'application/x-yaml' : 'application/json';
    const res = await this.fetch(path, { method, headers, body: body === undefined ? undefined : raw ? String(body) : JSON.stringify(body) });
    const text = await res.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as T & { code?: string; message?: string });
    if (!res.ok) {
      const e = parsed as { code?: string; message?: string };
      throw new FatalError(e.code ?? 'REEF_REMOTE_FAILED', this.renamed(e.message ?? `${method} ${path}: HTTP ${res.status}`));
    }
    return parsed as T;
  }

  /** Follows the event stream from `after`, reconnecting with Last-Event-ID; returns when the server is gone for good. */
  async follow(path: string, after: number, onEvent: (e: RemoteEvent) => void): Promise<void> {
    let failures = 0;
    while (failures < 10) {
      try {
        const res = await this.fetch(path, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'last-event-id': String(after) } });
        if (!res.ok || !res.body) throw new FatalError('REEF_REMOTE_FAILED', `${path}: HTTP ${res.status}`);
        failures = 0;
        let buffer = '';
        for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            buffer = buffer.slice(end + 2);
            if (data === '') continue;
            const e = JSON.parse(data) as RemoteEvent;
            after = e.seq;
            onEvent(e);
          }
        }
      } catch (e) {
        if ((e as { code?: string }).code === 'REEF_REMOTE_FAILED') throw e;
        failures++;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw reefError('REEF_REMOTE_UNREACHABLE', `lost the event stream of ${this.base}`);
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.base + path, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw reefError('REEF_REMOTE_UNREACHABLE', `cannot reach reef serve at ${this.base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
  }

  private renamed(message: string): string {
    return this.bodyNames.reduce((m, [from, to]) => m.split(`${from}:`).join(`${to}:`), message);
  }
}

function tokenOf(opts: RemoteOptions): string {
  if (opts.tokenFile) return readFileSync(opts.tokenFile, 'utf8').trim();
  if (process.env.REEF_TOKEN) return process.env.REEF_TOKEN.trim();
  const local = join(opts.stateDir, 'api-token');
  if (existsSync(local)) return readFileSync(local, 'utf8').trim();
  throw new UsageError('no API token: give --token-file PATH or set REEF_TOKEN (reef serve prints where its token is)');
}

/**
 * A descriptor file as the server takes it: its text as written (so the server's line numbers are the file's),
 * or, when it imports other files (which a server refuses), the imports resolved here and the result sent.
 */
export function descriptorText(file: string): { text: string; value: unknown } {
  const doc = loadYamlFile(file);
  throwIfAny(doc.diagnostics);
  const text = readFileSync(file, 'utf8');
  if (!/!(yaml|text)_import\b/.test(text)) return { text, value: doc.value };
  return { text: stringify(doc.value, { version: '1.1' }), value: doc.value };
}
