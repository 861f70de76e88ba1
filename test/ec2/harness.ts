/** Shared set-up for the HTTP-level ec2 driver tests: a manual clock, an in-memory debug log, request builders. */
import { Writable } from 'node:stream';
import type { Clock } from '../../src/controller/clock.js';
import type { CallContext, CreateRequest } from '../../src/reconcilers/driver.js';
import type { Ec2Resource } from '../../src/reconcilers/ec2/schema.js';
import { createLogger } from '../../src/util/log.js';

export const CREDENTIALS = { accesskey: 'AKIDREEFTEST0001', secretkey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET', session_token: 'FwoGZXIvYXdzEXAMPLETOKEN' };

/** A clock that moves only when told to; shared by the driver (grace period) and the fake (pending → running). */
export class ManualClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now = (): number => this.t;
  advance(ms: number): void { this.t += ms; }
  setTimeout(): unknown { throw new Error('the ec2 driver must not set timers on the call clock'); }
  clearTimeout(): void {}
}

export class MemoryLog {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => { this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)); done(); },
  });
  readonly logger = createLogger({ level: 'debug', destination: this.stream });
  text(): string { return this.lines.join('\n'); }
}

export function makeCtx(clock: ManualClock, log = new MemoryLog(), signal = new AbortController().signal): CallContext {
  return { signal, log: log.logger, clock };
}

export function resourceAt(endpoint: string, extra: Partial<Ec2Resource> = {}): Ec2Resource {
  return { type: 'ec2', endpoint, regionname: 'eu-west-1', image_id: 'ami-12345678', instance_type: 't3.micro', ...extra };
}

export function createRequest(resource: Ec2Resource, instanceId: string, opts: { infra?: string; node?: string; userData?: string } = {}): CreateRequest<Ec2Resource> {
  return {
    instanceId,
    labels: { infra: opts.infra ?? 'demo', node: opts.node ?? 'web', instance: instanceId },
    resource,
    context: opts.userData === undefined ? { kind: 'none' } : { kind: 'cloudinit', userData: opts.userData },
    credentials: CREDENTIALS,
  };
}
