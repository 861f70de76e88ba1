/**
 * examples/docker-ping through the CLI on the real engine: the sender really reaches the receiver at the address
 * `reef status` reports, and `reef destroy --wait` leaves nothing labelled with the infra behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOf, engine, eventually, example, explain, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('ping');

beforeAll(requireEngine);
afterAll(() => ws.cleanup([id]));

async function logsOf(containerId: string): Promise<string> {
  // no TTY: the stream is multiplexed (8-byte frame headers); the text is still readable line by line
  const buf = (await engine.getContainer(containerId).logs({ stdout: true, stderr: true })) as unknown as Buffer;
  return buf.toString('utf8');
}

describe('docker-ping end to end', () => {
  it('apply --wait: the sender pings and fetches from the receiver at the address reef reports', async () => {
    const started = Date.now();
    const r = ws.cli(['apply', example('docker-ping', 'infra.yaml'), '--nodes', example('docker-ping', 'nodes.yaml'), '--id', id, '--wait']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[e2e] docker-ping apply --wait: ${Date.now() - started} ms`);

    const report = statusJson(ws, id);
    const receivers = Object.values(report['ping-receiver'].instances);
    expect(receivers).toHaveLength(1);
    expect(receivers[0].state).toBe('ready');
    const receiverIp = receivers[0].resource_address;
    expect(receiverIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const [receiver] = await containersOf(id, 'ping-receiver');
    expect(Object.values(receiver.NetworkSettings.Networks).map((n) => n.IPAddress)).toContain(receiverIp);
    const [sender] = await containersOf(id, 'ping-sender');
    expect(sender.State).toBe('running');

    // the sender's first round runs as soon as it starts; allow a couple of rounds (every 5 s) for a slow engine
    const line = await eventually('the sender logs a successful ping', async () => {
      const logs = await logsOf(sender.Id);
      return /ping (\S+): ok, message: (.*)/.exec(logs) ?? undefined;
    }, 12_000, 200);
    expect(line[1]).toBe(receiverIp);
    expect(line[2]).toContain("Hello World! I'm alive.");
    expect(await logsOf(sender.Id)).not.toContain('no answer');
  });

  it('destroy --wait leaves no container, network or volume labelled with the infra', async () => {
    const started = Date.now();
    const r = ws.cli(['destroy', id, '--wait']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[e2e] docker-ping destroy --wait: ${Date.now() - started} ms`);
    const label = [`reef.infra=${id}`];
    expect(await containersOf(id)).toEqual([]);
    expect(await engine.listNetworks({ filters: { label } })).toEqual([]);
    expect((await engine.listVolumes({ filters: { label } })).Volumes ?? []).toEqual([]);
    // anonymous volumes carry no label: they go with their container (remove v=true); none may dangle from ours
    const status = ws.cli(['status', id, '-o', 'json']);
    expect(status.code, explain(status)).toBe(0);
    for (const node of Object.values(JSON.parse(status.stdout) as Record<string, { scaling: { actual: number } }>)) {
      expect(node.scaling.actual).toBe(0);
    }
  });
});
