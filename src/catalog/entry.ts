/** The catalog's types: an entry as loaded (paths resolved) and what the API and `reef catalog` show of it. */
import type { VariableType } from './entry.schema.js';

export interface CatalogVariable {
  type: VariableType;
  default: string | number | boolean;
  description?: string;
  label?: string;
  min?: number;
  max?: number;
  enum?: Array<string | number>;
  pattern?: string;
  scales?: string;
}

export interface CatalogEntry {
  /** the entry's folder name: what `reef deploy NAME` takes */
  name: string;
  title: string;
  description: string;
  /** absolute path of the entry file */
  file: string;
  /** absolute path of the infrastructure description */
  infraFile: string;
  /** cloud (resource type) → absolute path of its node definitions, and what to prepare once */
  clouds: Record<string, { nodesFile: string; prepare?: string }>;
  variables: Record<string, CatalogVariable>;
  size: { cpus?: number; memory_mb?: number; disk_mb?: number; note?: string };
  /** instances at the defaults: every node's minimum, or the default of the variable that scales it */
  instances: number;
  nodes: Array<{ name: string; min: number; max: number; dependsOn: string[] }>;
}

/** What a client sees of an entry: no file paths of the server's disk. */
export interface CatalogEntryView {
  name: string;
  title: string;
  description: string;
  clouds: string[];
  variables: Record<string, CatalogVariable>;
  size: CatalogEntry['size'] & { instances: number };
  nodes: CatalogEntry['nodes'];
}

export function entryView(e: CatalogEntry): CatalogEntryView {
  return {
    name: e.name, title: e.title, description: e.description, clouds: Object.keys(e.clouds), variables: e.variables,
    size: { ...e.size, instances: e.instances }, nodes: e.nodes,
  };
}
