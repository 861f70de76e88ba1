/**
 * The compiled, validated form of an Occopus infrastructure description plus its node definitions.
 * Produced by schemas/ (never by hand outside tests), stored as JSON in the store, read by the controller.
 */

export type Variables = Record<string, unknown>;

/** One `resource:` section. `type` picks the driver; everything else is the driver's own (validated by its schema). */
export interface ResourceSection {
  type: string;
  endpoint?: string;
  name?: string;
  [key: string]: unknown;
}

export interface ContextualisationSection {
  type: string; // 'cloudinit' | 'docker' | ...
  [key: string]: unknown;
}

export interface ConfigManagementSection {
  type: string; // 'shell' | 'ansible' | 'puppet_solo' | 'chef' (refused) ...
  [key: string]: unknown;
}

/** Occopus's health_check section, plus reef's own keys. */
export interface HealthCheckSection {
  ping?: boolean;
  ports?: number[];
  urls?: string[];
  mysqldbs?: Array<{ name: string; user: string; pass: string | number; port?: number }>;
  ssh?: { command: string; expect_exit?: number };
  /** Seconds an instance may stay not-ready (creating ... checking) or unhealthy before it is failed. Default 600. */
  timeout?: number;
  /** reef: seconds between health checks of a ready instance. Default 10. */
  interval?: number;
  [key: string]: unknown;
}

/** One alternative way to build a node (`'node_def:TYPE'` is a list of these). */
export interface Implementation {
  resource: ResourceSection;
  contextualisation?: ContextualisationSection;
  config_management?: ConfigManagementSection;
  health_check?: HealthCheckSection;
}

export interface NodeSpec {
  name: string;
  type: string;
  min: number;
  max: number;
  /** infra variables deep-merged with the node's own (node wins). */
  variables: Variables;
  /** names of the nodes this one depends on (they are deployed first). */
  dependsOn: string[];
  filter?: Record<string, unknown>;
  /** implementations left after `filter`; never empty. */
  implementations: Implementation[];
}

export type Strategy = 'parallel' | 'serial';

export interface InfraSpec {
  /** the infra id: `--id`, else `infra_name`. */
  id: string;
  name: string;
  userId?: string;
  variables: Variables;
  /** topologically ordered: every node comes after the nodes it depends on. */
  nodes: NodeSpec[];
  strategy: Strategy;
  /** where the spec was read from, for messages only. */
  source: { infraFile?: string; nodesFile?: string };
}

/** One `resource:` (or `config_management:`) entry of the auth file. Everything but auth_data is a filter. */
export interface AuthEntry {
  type: string;
  auth_data: Record<string, unknown>;
  [filter: string]: unknown;
}

export interface AuthFile {
  resource: AuthEntry[];
  config_management: AuthEntry[];
}
