import { systemClock } from '../../src/controller/clock.js';
import type { CallContext } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';

export function testContext(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, log: silentLogger(), clock: systemClock };
}
