import type { ResourceRef, ReefLabels } from '../reconcilers/driver.js';

export type DestroyReason =
  | 'scale-down' // more instances than the node's target
  | 'replace' // the instance failed; a new one takes its place
  | 'outdated' // the node's definition or variables changed; rolled one batch at a time
  | 'failed' // the instance failed and is not replaced (node over target or given up)
  | 'node-removed' // the node is no longer in the spec
  | 'destroy'; // the whole infra is being destroyed

/** What plan() decides; the loop carries it out. Pure data. */
export type Action =
  | { kind: 'create'; node: string; count: number }
  | { kind: 'destroy'; instanceId: string; node: string; reason: DestroyReason }
  /** a reef-labelled resource of this infra with no instance row, wanted by its node: take it over */
  | { kind: 'adopt'; node: string; instanceId: string; ref: ResourceRef }
  /** a reef-labelled resource nobody wants (unknown instance, node gone, infra destroyed): delete it */
  | { kind: 'collect'; ref: ResourceRef; labels: ReefLabels; reason: string }
  /** a node gave up after too many failures: report once */
  | { kind: 'node-failed'; node: string; reason: string };
