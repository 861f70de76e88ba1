/**
 * A wire-level EC2 fake for HTTP-level driver tests: an HTTP server on 127.0.0.1 speaking the EC2 Query API
 * (form-encoded POST, XML answers) for RunInstances, DescribeInstances and TerminateInstances, with scripted
 * faults. Unlike moto it honours ClientToken, so it can prove that a retried create makes no twin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ec2ApiError, FakeEc2Cloud, type FakeInstance } from './ec2-cloud.js';
import { accessKeyOf, parseForm, type Params } from './ec2-query.js';
import { describeInstancesXml, errorXml, runInstancesXml, terminateInstancesXml } from './ec2-xml.js';

export type { FakeInstance } from './ec2-cloud.js';

export interface RecordedRequest {
  action: string;
  params: Params;
  /** from the SigV4 Authorization header; the secret never travels. */
  accessKeyId?: string;
  /** what the fake answered: 'ok' or the EC2 error code. */
  outcome: string;
}

export interface FakeEc2Options {
  /** AMIs RunInstances accepts (default ['ami-12345678']). */
  amis?: string[];
  /** the fake's time, for pending → running and eventual consistency (default Date.now). */
  now?: () => number;
  runningAfterMs?: number;
  shutdownMs?: number;
  /** seed for throttleRate's RNG (default 1). */
  seed?: number;
}

interface ScriptedError {
  action?: string;
  code: string;
  message: string;
  status: number;
}

export class FakeEc2Server {
  readonly requests: RecordedRequest[] = [];
  readonly cloud: FakeEc2Cloud;
  private throttleProbability = 0;
  private throttleCount = 0;
  private readonly scripted: ScriptedError[] = [];
  private runDelays: number[] = [];
  private rngState: number;
  private readonly held = new Set<NodeJS.Timeout>();
  private seq = 0;

  private constructor(private readonly server: Server, readonly url: string, opts: FakeEc2Options, cloud: FakeEc2Cloud) {
    this.cloud = cloud;
    this.rngState = opts.seed ?? 1;
  }

  static async start(opts: FakeEc2Options = {}): Promise<FakeEc2Server> {
    const cloud = new FakeEc2Cloud({
      now: opts.now ?? Date.now, amis: opts.amis ?? ['ami-12345678'],
      runningAfterMs: opts.runningAfterMs ?? 0, shutdownMs: opts.shutdownMs ?? 0,
    });
    let fake: FakeEc2Server | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeEc2Server(server, `http://127.0.0.1:${port}`, opts, cloud);
    return fake;
  }

  // ---- scripted faults ----------------------------------------------------------------------------
  /** Throttle this fraction (0..1) of all calls, drawn from the seeded RNG. */
  throttleRate(probability: number): this { this.throttleProbability = probability; return this; }
  /** Throttle the next n calls. */
  throttleNext(n: number): this { this.throttleCount = n; return this; }
  /** Answer the next call (of `action`, if given) with this error. */
  failNext(code: string, message: string, opts: { action?: string; status?: number } = {}): this {
    this.scripted.push({ code, message, action: opts.action, status: opts.status ?? 400 });
    return this;
  }
  /** The next RunInstances calls succeed server-side, but each answer is held back `ms` (beyond a client timeout). */
  delayRunResponses(count: number, ms: number): this { this.runDelays.push(...Array<number>(count).fill(ms)); return this; }
  /** New instances stay invisible to DescribeInstances for `ms` (EC2's eventual consistency). */
  invisibleFor(ms: number): this { this.cloud.invisibleForMs = ms; return this; }
  /** Terminate an instance behind reef's back. */
  terminateOutOfBand(id: string): void { this.cloud.terminate({ 'InstanceId.1': id }); }

  // ---- inspection ---------------------------------------------------------------------------------
  calls(action: string): RecordedRequest[] { return this.requests.filter((r) => r.action === action); }
  instanceList(): FakeInstance[] { return [...this.cloud.instances.values()]; }

  async close(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- wire ---------------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = parseForm(Buffer.concat(chunks).toString('utf8'));
    const action = params.Action ?? '';
    const record: RecordedRequest = { action, params, accessKeyId: accessKeyOf(req.headers.authorization), outcome: 'ok' };
    this.requests.push(record);
    const requestId = `req-${++this.seq}`;
    try {
      this.injectFault(action);
      const { body, delayMs } = this.dispatch(action, params, requestId);
      this.send(res, 200, body, delayMs);
    } catch (e) {
      const err = e instanceof Ec2ApiError ? e : new Ec2ApiError('InternalError', String(e), 500);
      record.outcome = err.code;
      this.send(res, err.status, errorXml(requestId, err.code, err.message), 0);
    }
  }

  private injectFault(action: string): void {
    const i = this.scripted.findIndex((s) => s.action === undefined || s.action === action);
    if (i >= 0) {
      const [s] = this.scripted.splice(i, 1);
      throw new Ec2ApiError(s.code, s.message, s.status);
    }
    if (this.throttleCount > 0 || (this.throttleProbability > 0 && this.random() < this.throttleProbability)) {
      this.throttleCount = Math.max(0, this.throttleCount - 1);
      throw new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    }
  }

  private dispatch(action: string, p: Params, requestId: string): { body: string; delayMs: number } {
    switch (action) {
      case 'RunInstances': {
        const instance = this.cloud.run(p);
        return { body: runInstancesXml(requestId, this.cloud.toXml(instance)), delayMs: this.runDelays.shift() ?? 0 };
      }
      case 'DescribeInstances': {
        const { instances, nextToken } = this.cloud.describe(p);
        return { body: describeInstancesXml(requestId, instances.map((i) => this.cloud.toXml(i)), nextToken), delayMs: 0 };
      }
      case 'TerminateInstances':
        return { body: terminateInstancesXml(requestId, this.cloud.terminate(p)), delayMs: 0 };
      default:
        throw new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private send(res: ServerResponse, status: number, body: string, delayMs: number): void {
    const write = () => {
      if (res.destroyed) return; // the client gave up (timeout): the effect happened, the answer is lost.
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(body);
    };
    if (delayMs <= 0) return write();
    const t = setTimeout(() => { this.held.delete(t); write(); }, delayMs);
    this.held.add(t);
  }

  /** mulberry32: a tiny seeded RNG so a throttling run is reproducible. */
  private random(): number {
    let t = (this.rngState = (this.rngState + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
