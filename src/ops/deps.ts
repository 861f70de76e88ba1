/** What the operations need: the store, the controller of this process (if it reconciles), the drivers' schemas. */
import type { Store } from '../state/store.js';
import type { RuntimeStatus } from '../controller/status.js';

/**
 * The controller as the operations see it. `reef serve` passes its running controller: a write nudges the
 * runtime at once, and a named scale-down reaches the runtime that owns the instance in memory. A CLI command
 * passes NO_CONTROLLER: it reconciles afterwards (or a serving process picks the write up from the store).
 */
export interface ControllerHandle {
  nudge(infraId: string): void;
  statusOf?(infraId: string): RuntimeStatus | undefined;
  removeInstance?(infraId: string, instanceId: string): boolean;
}

export const NO_CONTROLLER: ControllerHandle = { nudge: () => {} };

export interface OpsDeps {
  store: Store;
  controller: ControllerHandle;
  registry: { resourceSchemas(): Record<string, object> };
}
