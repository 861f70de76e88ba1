/** The operations layer as a CLI command uses it: this process's store, no running controller to nudge. */
import type { App } from './app.js';
import { NO_CONTROLLER, type OpsDeps } from '../ops/index.js';

export const opsOf = (app: App): OpsDeps => ({ store: app.store(), controller: NO_CONTROLLER, registry: app.registry });
