/**
 * A small fault-injecting HTTP proxy on 127.0.0.1 in front of the real OpenStack APIs: Zed never answers 429
 * and rarely 5xx, and a lost answer cannot be ordered from it. One proxy per upstream (Keystone, Nova,
 * Neutron); the Keystone one rewrites the catalog so the driver reaches Nova and Neutron through theirs.
 * Faults are rules consumed in order: answer a status without forwarding, forward then drop the answer
 * (the upstream did the work, the client sees a reset), or close kept-alive connections after each answer.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  method?: string;
  /** matched against the request path (with query) */
  path: RegExp;
  action: { status: number; body?: unknown; retryAfterS?: number } | 'drop-answer';
  /** how many matching requests it applies to (default 1) */
  times?: number;
}

export interface Seen {
  method: string;
  path: string;
  outcome: string;
}

export class FaultProxy {
  readonly seen: Seen[] = [];
  private rules: Array<FaultRule & { left: number }> = [];
  /** close each connection after its answer (as uwsgi's http-socket does, but without saying so) */
  closeKeptAlive = false;

  private constructor(private readonly server: Server, readonly upstream: URL, private readonly rewrite: Array<[string, string]>) {}

  static async start(upstream: string, rewrite: Array<[string, string]> = []): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, new URL(upstream), rewrite);
    server.on('request', (req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  setRewrite(pairs: Array<[string, string]>): void {
    this.rewrite.splice(0, this.rewrite.length, ...pairs);
  }

  count(method: string, path: RegExp): number {
    return this.seen.filter((s) => s.method === method && path.test(s.path)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.left > 0 && (!r.method || r.method === method) && r.path.test(path));
    if (rule) rule.left--;
    return rule;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const rule = this.take(method, path);
    if (rule && rule.action !== 'drop-answer') {
      const { status, body, retryAfterS } = rule.action;
      this.seen.push({ method, path, outcome: `injected ${status}` });
      req.resume();
      res.writeHead(status, { 'Content-Type': 'application/json', ...(retryAfterS !== undefined ? { 'Retry-After': String(retryAfterS) } : {}) });
      res.end(JSON.stringify(body ?? { computeFault: { code: status, message: `injected ${status}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: this.upstream.host };
      const up = request({ host: this.upstream.hostname, port: this.upstream.port, method, path, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          if (rule?.action === 'drop-answer') {
            // the upstream has done the work; the client never hears of it
            this.seen.push({ method, path, outcome: `dropped ${answer.statusCode}` });
            req.socket.destroy();
            return;
          }
          let body = Buffer.concat(parts);
          if (this.rewrite.length) {
            let text = body.toString('utf8');
            for (const [from, to] of this.rewrite) text = text.replaceAll(from, to);
            body = Buffer.from(text, 'utf8');
          }
          this.seen.push({ method, path, outcome: String(answer.statusCode) });
          const out = { ...answer.headers, 'content-length': String(body.length) };
          delete out['transfer-encoding'];
          delete out.connection;
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(body, () => {
            if (this.closeKeptAlive) req.socket.destroy();
          });
        });
      });
      up.on('error', () => {
        this.seen.push({ method, path, outcome: 'upstream error' });
        req.socket.destroy();
      });
      up.end(Buffer.concat(chunks));
    });
  }
}

/** Keystone, Nova and Neutron each behind a proxy; Keystone's catalog names the other two proxies. */
export async function proxiedCloud(keystone = 'http://127.0.0.1:5000', nova = 'http://127.0.0.1:8774', neutron = 'http://127.0.0.1:9696') {
  const novaProxy = await FaultProxy.start(nova);
  const neutronProxy = await FaultProxy.start(neutron);
  const keystoneProxy = await FaultProxy.start(keystone, [[nova, novaProxy.url], [neutron, neutronProxy.url]]);
  return {
    keystone: keystoneProxy, nova: novaProxy, neutron: neutronProxy,
    async close() {
      await Promise.all([keystoneProxy.close(), novaProxy.close(), neutronProxy.close()]);
    },
  };
}
