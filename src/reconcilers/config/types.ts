/**
 * The config-manager contract: bring one running instance to its configured state, over SSH.
 * - Idempotent: the controller re-runs configure after a crash or retry; a manager must be harmless to re-run
 *   (ansible and puppet are; `shell` scripts must be written so).
 * - Failures: a step that ran and failed (non-zero exit) is FatalError REEF_CONFIG_FAILED carrying the last
 *   output lines; a machine not reachable yet is TransientError (REEF_SSH_UNREACHABLE) and is retried.
 * - Output lines go to ctx.log at info with `{instance, node}`. Secrets in `target` are never logged.
 */
import type { CallContext } from '../driver.js';
import type { SshTarget } from '../ssh/types.js';

export interface ConfigureRequest<C> {
  target: SshTarget;
  /** the implementation's `config_management` section, templates already rendered. */
  config: C;
  /** the node's merged variables. */
  variables: Record<string, unknown>;
  instanceId: string;
  node: string;
}

export interface ConfigManager<C> {
  readonly kind: string;
  configure(req: ConfigureRequest<C>, ctx: CallContext): Promise<void>;
}
