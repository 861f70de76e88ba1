import { describe, expect, it } from 'vitest';
import type { CallContext, Driver } from '../reconcilers/driver.js';
import type { InfraSpec, NodeSpec, Implementation } from '../spec/types.js';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../util/log.js';
import { EndpointLimiter } from './limiter.js';
import { makeInstanceEffects } from './instance-effects.js';
import type { InstanceContext } from './instance/types.js';

/** effects over a driver that records the call contexts it is given; counts the child loggers made */
function rig(create: (ctx: CallContext) => void) {
  const log = createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) });
  let children = 0;
  const child = log.child;
  log.child = function (this: Logger, ...args: Parameters<Logger['child']>) { children++; return child.apply(this, args); } as Logger['child'];
  const implementation = { resource: { type: 'fake', endpoint: 'e' } } as unknown as Implementation;
  const node = { name: 'n' } as unknown as NodeSpec;
  const driver = {
    create: async (_req: unknown, ctx: CallContext) => { create(ctx); ctx.releaseSlot?.(); return { ref: { driver: 'fake', endpoint: 'e', id: 'r' }, running: true }; },
  } as unknown as Driver;
  const effects = makeInstanceEffects({
    infraId: 'i', spec: () => ({}) as InfraSpec, placement: () => ({ node, implementation }), addressesOf: () => [],
    lastObservation: () => undefined, driver: async () => driver, limiter: () => new EndpointLimiter({ concurrency: 2 }),
    credentials: () => undefined, hostKeys: {} as never, clock: { now: () => 0 } as never, log,
  });
  const context = { instanceId: 'x-1', addresses: {}, rendered: { resource: implementation.resource, payload: { kind: 'none' } } } as unknown as InstanceContext;
  return { effects, context, children: () => children };
}

describe('instance effects: the call context', () => {
  it('a create makes no logger of its own unless the driver logs (at 100,000 instances one per create was most of the garbage)', async () => {
    const seen: CallContext[] = [];
    const r = rig((ctx) => seen.push(ctx));
    await r.effects.createResource(r.context, new AbortController().signal);
    expect(typeof seen[0]!.releaseSlot).toBe('function');
    expect(r.children()).toBe(0);
  });

  it('nor when the driver writes a line below the level (the dummy driver logs every create at debug)', async () => {
    const r = rig((ctx) => ctx.log.debug({ action: 'create' }, 'created'));
    await r.effects.createResource(r.context, new AbortController().signal);
    expect(r.children()).toBe(0);
  });

  it("a driver that logs gets the instance's logger, made once", async () => {
    const r = rig((ctx) => { ctx.log.info('one'); ctx.log.info('two'); });
    await r.effects.createResource(r.context, new AbortController().signal);
    expect(r.children()).toBe(1);
  });
});
