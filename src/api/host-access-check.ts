/**
 * A client's descriptor may name the server's files and URLs only where the operator allowed (reef serve
 * --allow-files / --allow-origin): checked when it arrives (400 naming the node type and field, the same
 * message whether a path exists or not), and again by the driver when it reads or fetches.
 */
import type { Implementation, InfraSpec } from '../spec/types.js';
import { hostAccess, type HostAccess } from '../util/host-access.js';
import { checkHostReferences } from '../reconcilers/host-references.js';

export const NO_HOST_ACCESS: HostAccess = hostAccess({ files: [], origins: [] });

export function checkSpecHostReferences(access: HostAccess, spec: InfraSpec): void {
  for (const node of spec.nodes) {
    node.implementations.forEach((impl, i) => checkHostReferences(access, `node ${node.name} (node_def:${node.type}[${i}])`, impl));
  }
}

export function checkDefsHostReferences(access: HostAccess, defs: Record<string, Implementation[]>): void {
  for (const [type, impls] of Object.entries(defs)) impls.forEach((impl, i) => checkHostReferences(access, `node_def:${type}[${i}]`, impl));
}
