/**
 * The one home of the SSH host keys an infra's instances were trusted with (trust on first use). A key is first
 * seen during a configure call and kept here at once, so the health checks and configure calls that follow
 * (before the machine records it) expect the same key; once configure returns, the machine's context keeps it
 * in the persisted snapshot, which wins from then on, across restarts. A changed key is refused by the SSH layer.
 */
import type { SshHostKeyPolicy } from '../reconcilers/ssh/types.js';

export class HostKeys {
  private readonly seen = new Map<string, string>();

  /** the key this instance is held to: the machine's record, else the one seen first in this process */
  trusted(instanceId: string, recorded?: string | null): string | undefined {
    return recorded ?? this.seen.get(instanceId);
  }

  /** what an SSH connection to the instance must check: the trusted key, or record the first one it sees */
  policyFor(instanceId: string, recorded?: string | null): SshHostKeyPolicy {
    const known = this.trusted(instanceId, recorded);
    return known ? { expected: known } : { onFirstSeen: (fp) => this.seen.set(instanceId, fp) };
  }
}
