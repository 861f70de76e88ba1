/** What routes get: the store, the controller (to nudge and for live status), the drivers' schemas, a logger. */
import type { Store } from '../state/store.js';
import type { RuntimeStatus } from '../controller/status.js';
import type { ControllerHandle } from '../ops/index.js';
import type { Logger } from '../util/log.js';
import type { Catalog, DeployTarget } from '../catalog/index.js';

import type { AuthPolicy } from './auth-policy.js';
import type { HostAccess } from '../util/host-access.js';

export interface ApiContext {
  store: Store;
  controller: ControllerHandle & { statusOf(infraId: string): RuntimeStatus | undefined };
  registry: { resourceSchemas(): Record<string, object> };
  log: Logger;
  /** how often an event stream polls the store's event log, and how often it sends a heartbeat */
  events: { pollMs: number; heartbeatMs: number };
  /** what the page's Deploy button offers (reef serve --catalog), and where it may deploy */
  catalog?: { entries: Catalog; targets: DeployTarget[] };
  /** the auth files a client may name in authPath (reef serve --auth, <state dir>/auth/) */
  authPolicy?: AuthPolicy;
  /** the server's files and URLs a client's descriptor may name (reef serve --allow-files/--allow-origin; default none) */
  access?: HostAccess;
  /** closers of the open event streams (the server ends them before it closes) */
  streams: Set<() => void>;
}
