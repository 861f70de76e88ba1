/**
 * Review D20: what a cloud says is bounded and scrubbed. The EC2 driver talks to a tiny endpoint on 127.0.0.1
 * that echoes the request (headers, body) into its error message, as a misconfigured or hostile endpoint may.
 * Nothing reef then writes (stdout, stderr, the store's bytes, the event log) may carry the access key id, the
 * secret key, the session token or the request's signature, and the stored error is one line of at most 2 KiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReef } from '../ec2-e2e/run-reef.js';

const ACCESS_KEY = 'AKIDSECSTATEECHO0001';
const SECRET_KEY = 'secstateSecret/Qw8Er4Ty6Ui0Op2As5Df7Gh9';
const SESSION_TOKEN = 'FwoGZXIvYXdzEsecstateSessionTokenZx3Cv5Bn7Mm9Lk1Jh2Gf4Ds6Aa8';
const INFRA = 'sec-echo';

/** An "EC2 endpoint" that lists nothing and answers every other call with an error quoting the whole request. */
function startEchoEndpoint(): Promise<{ server: Server; url: string; echoed: string[] }> {
  const echoed: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('Action=DescribeInstances')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r1</requestId><reservationSet/></DescribeInstancesResponse>');
        return;
      }
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
      const text = `request was:\n${req.method} ${req.url}\n${headers}\n\n${body}\n${'padding '.repeat(500)}`;
      echoed.push(text);
      const xml = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>${xml}</Message></Error></Errors><RequestID>r2</RequestID></Response>`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, echoed });
  }));
}

describe('D20: a cloud error that echoes the request', () => {
  let dir: string;
  let endpoint: Awaited<ReturnType<typeof startEchoEndpoint>>;
  const outputs: string[] = [];
  // asynchronous: the endpoint answers from this process
  const run = async (args: string[]) => {
    const r = await runReef(dir, ['--state', join(dir, 'st', 'state.db'), ...args]);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    endpoint = await startEchoEndpoint();
    dir = mkdtempSync(join(tmpdir(), 'reef-sec-echo-'));
    writeFileSync(join(dir, 'nodes.yaml'), [
      "'node_def:echo_node':",
      '  - resource:',
      '      type: ec2',
      `      endpoint: ${endpoint.url}`,
      '      regionname: eu-west-1',
      '      image_id: ami-0123456789abcdef0',
      '      instance_type: t3.micro',
      '    health_check: {ping: false, timeout: 30}',
    ].join('\n') + '\n');
    writeFileSync(join(dir, 'infra.yaml'), `infra_name: ${INFRA}\nnodes:\n  - {name: echo, type: echo_node}\n`);
    writeFileSync(join(dir, 'auth.yaml'), [
      'resource:',
      '  - type: ec2',
      '    auth_data:',
      `      accesskey: ${ACCESS_KEY}`,
      `      secretkey: ${SECRET_KEY}`,
      `      session_token: ${SESSION_TOKEN}`,
    ].join('\n') + '\n');
  });
  afterAll(async () => {
    await new Promise((r) => endpoint?.server.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores, logs and prints the error masked and cut to 2 KiB', async () => {
    const apply = await run(['--log-level', 'debug', 'apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--auth', 'auth.yaml', '--wait', '--timeout', '30']);
    expect(apply.code).not.toBe(0);
    // the endpoint did quote the credentials it was sent: without scrubbing they would be everywhere below
    expect(endpoint.echoed.length).toBeGreaterThan(0);
    const echo = endpoint.echoed.join('\n');
    expect(echo).toContain(SESSION_TOKEN);
    expect(echo).toContain(ACCESS_KEY);
    const signature = /Signature=([0-9a-f]{64})/.exec(echo)?.[1];
    expect(signature).toBeDefined();

    const status = await run(['status', INFRA]);
    const statusJson = await run(['status', INFRA, '-o', 'json']);
    const logs = await run(['logs', INFRA]);
    const logsJson = await run(['-o', 'json', 'logs', INFRA]);
    expect(status.stdout).toContain('[redacted]');

    // the node's failure (table) and the event log quote the cloud's words: masked, one line, cut
    const failure = status.stdout.split('\n').find((l) => l.includes('InvalidParameterValue'));
    expect(failure).toBeDefined();
    expect(failure).toContain('authorization: [redacted]');
    expect(failure).toContain('more characters cut]');
    const events = logsJson.stdout.trim().split('\n').map((l) => JSON.parse(l) as { message: string; data?: unknown });
    const quoting = events.filter((e) => JSON.stringify(e).includes('InvalidParameterValue'));
    expect(quoting.length).toBeGreaterThan(0);
    for (const e of quoting) {
      expect(e.message.length).toBeLessThanOrEqual(2048 + 200); // the cloud's text at most 2 KiB, plus reef's own prefix
      expect(e.message).not.toMatch(/[\r\n]/);
    }
    expect(statusJson.code).toBe(0);

    const files = readdirSync(join(dir, 'st')).map((f) => readFileSync(join(dir, 'st', f)).toString('latin1'));
    const everything = [...outputs, ...files, logs.stdout].join('\n');
    for (const secret of [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, signature!]) {
      expect(everything.includes(secret), `${secret.slice(0, 8)}… leaked`).toBe(false);
    }
    // no line anywhere carries the whole echoed padding (over 2 KiB of it)
    const long = [...outputs, ...files].map((t, i) => [i, t.indexOf('padding '.repeat(300))]).filter(([, at]) => at >= 0);
    expect(long).toEqual([]);
  }, 90_000);
});
