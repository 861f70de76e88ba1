/**
 * reef's state schema, version by version: the one source of both backends' migrations (see types.ts). The
 * version numbers are stored in existing databases: never edit or reorder a version that has shipped; add one.
 */
import type { Column, SchemaVersion } from './types.js';

const text = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'text', ...more });
const int = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'int', ...more });
const time = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'time', ...more });
const json = (name: string, more: Partial<Column> = {}): Column => ({ name, type: 'json', ...more });
const nullable = { nullable: true } as const;
const infraRef = { references: { table: 'infras', column: 'id', onDelete: 'cascade' } } as const;

export const SCHEMA_HISTORY: readonly SchemaVersion[] = [
  {
    version: 1,
    name: 'initial',
    steps: [
      {
        kind: 'createTable',
        table: {
          name: 'infras',
          columns: [
            text('id'), text('name'), json('spec_json'), text('spec_hash'), int('generation'),
            text('status', { oneOf: ['active', 'destroying', 'destroyed'] }),
            text('auth_path', nullable), time('created_at'), time('updated_at'),
          ],
          primaryKey: ['id'],
        },
      },
      {
        kind: 'createTable',
        // position keeps the spec's (topological) node order for getNodes().
        table: {
          name: 'nodes',
          columns: [
            text('infra_id', infraRef), text('name'), int('position'), int('min'), int('max'), int('target'),
            text('failed_reason', nullable),
          ],
          primaryKey: ['infra_id', 'name'],
        },
      },
      {
        kind: 'createTable',
        // No FK to nodes: a node removed from the spec keeps its instances until the controller destroys them.
        table: {
          name: 'instances',
          columns: [
            text('id'), text('infra_id', infraRef), text('node'), int('impl_index'), text('driver'), text('endpoint'),
            json('ref_json', nullable), text('state'), json('snapshot_json', nullable), int('machine_version'),
            json('addresses_json'), int('attempts'), json('last_error_json', nullable), text('destroy_reason', nullable),
            int('generation'), time('created_at'), time('updated_at'), time('ready_at', nullable),
          ],
          primaryKey: ['id'],
        },
      },
      { kind: 'createIndex', name: 'instances_by_infra', table: 'instances', columns: ['infra_id'] },
      { kind: 'createIndex', name: 'instances_by_infra_node', table: 'instances', columns: ['infra_id', 'node'] },
      {
        kind: 'createTable',
        // Events outlive their infra (no FK): the log is the history.
        table: {
          name: 'events',
          columns: [
            { name: 'seq', type: 'serial' }, time('time'), text('infra'), text('node', nullable), text('instance', nullable),
            text('kind'), text('from_state', nullable), text('to_state', nullable), text('message'), json('data_json', nullable),
          ],
          primaryKey: ['seq'],
        },
      },
      { kind: 'createIndex', name: 'events_by_infra', table: 'events', columns: ['infra', 'seq'] },
      {
        kind: 'createTable',
        table: { name: 'nodedefs', columns: [text('type'), json('implementations_json'), time('imported_at')], primaryKey: ['type'] },
      },
      {
        kind: 'createTable',
        // Leases may exist before their infra row (the controller may take one first), so no FK.
        table: { name: 'leases', columns: [text('infra_id'), text('holder'), time('expires_at')], primaryKey: ['infra_id'] },
      },
    ],
  },
  {
    version: 2,
    name: 'fenced_leases',
    steps: [
      { kind: 'addColumn', table: 'leases', column: { name: 'epoch', type: 'bigint', default: 0 } },
      // epochs come from one counter so they never repeat for an infra, even after a release deleted its row.
      { kind: 'createCounter', name: 'lease_epochs' },
      {
        kind: 'createTable',
        table: {
          name: 'lease_audit',
          columns: [text('infra_id'), { name: 'epoch', type: 'bigint' }, text('holder'), int('writes'), time('first_at'), time('last_at')],
          primaryKey: ['infra_id', 'epoch', 'holder'],
        },
      },
      { kind: 'createTable', table: { name: 'replicas', columns: [text('id'), time('expires_at')], primaryKey: ['id'] } },
    ],
  },
];
